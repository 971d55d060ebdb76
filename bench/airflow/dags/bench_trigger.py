"""bench_trigger: a single no-op task; used to measure trigger call -> first task start latency."""
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator


def noop():
    pass


with DAG(dag_id="bench_trigger", schedule=None, catchup=False, tags=["bench"]) as dag:
    PythonOperator(task_id="only", python_callable=noop)
