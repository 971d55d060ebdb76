"""The peer benchmark's shapes as Airflow DAGs (bench/peers/shapes.py), at the scale named by PEER_BENCH_SCALE.

Every task is a PythonOperator running the shape's body (no-op, 10 ms of CPU, or 1 s of sleep); schedule=None.
Parsed only when bench/peers/airflow_driver.py points Airflow's dags_folder here.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from airflow.providers.standard.operators.python import PythonOperator  # noqa: E402
from airflow.sdk import DAG  # noqa: E402

from shapes import SHAPES, run_body  # noqa: E402

SCALE = os.environ.get("PEER_BENCH_SCALE", "full")

for shape in SHAPES.values():
    for dag_id in shape.dag_ids(SCALE):
        with DAG(dag_id=dag_id, schedule=None, catchup=False, tags=["bench", "peers"], max_active_tasks=1024) as dag:
            ops = {t: PythonOperator(task_id=t, python_callable=run_body, op_args=[shape.body])
                   for t in shape.task_ids(SCALE)}
            for t, op in ops.items():
                for u in shape.upstream(t, SCALE):
                    ops[u] >> op
        globals()[dag_id] = dag
