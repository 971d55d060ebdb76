"""bench_fanout_100: one root task -> 100 parallel no-op tasks -> one join task (102 task instances).

Same shape as orch's fan-out benchmark DAG. Every task is a PythonOperator whose callable does nothing.
"""
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator


def noop():
    pass


with DAG(dag_id="bench_fanout_100", schedule=None, catchup=False, tags=["bench"]) as dag:
    start = PythonOperator(task_id="start", python_callable=noop)
    end = PythonOperator(task_id="end", python_callable=noop)
    for i in range(100):
        start >> PythonOperator(task_id=f"t{i:03d}", python_callable=noop) >> end
