"""bench_chain_20: 20 no-op tasks in a chain (c00 >> c01 >> ... >> c19).

Same shape as orch's chain benchmark DAG; used to measure per-hop latency (task end -> next task start).
"""
from airflow.sdk import DAG, chain
from airflow.providers.standard.operators.python import PythonOperator


def noop():
    pass


with DAG(dag_id="bench_chain_20", schedule=None, catchup=False, tags=["bench"]) as dag:
    chain(*[PythonOperator(task_id=f"c{i:02d}", python_callable=noop) for i in range(20)])
