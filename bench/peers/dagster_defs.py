"""Dagster side's code location: one job per DAG of every shape (bench/peers/shapes.py) at the scale named by
PEER_BENCH_SCALE (full or small), each op named as orch's task, on the multiprocess executor with max_concurrent 2 and
the forkserver start method (Dagster's documented way to cut the per-step overhead of that executor: each step process
is forked from a server that has imported dagster once, rather than a fresh Python that imports it; orch-proc forks
its task processes from a fork server too).
Loaded by dagster-webserver and dagster-daemon (`-f`) and imported by dagster_driver.py for execute_in_process.

The jobs are lazily built (a @repository returning a dict of job factories, Dagster's documented form for large code
locations): every step process of the multiprocess executor imports this file, and building all the jobs there
(thousands of ops) would charge each step for the other DAGs.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dagster import In, Nothing, job, multiprocess_executor, op, repository  # noqa: E402

from shapes import SHAPES, Shape, run_body  # noqa: E402

SCALE = os.environ.get("PEER_BENCH_SCALE", "full")
EXECUTOR = multiprocess_executor.configured({"max_concurrent": 2, "start_method": {"forkserver": {}}})


def make_op(body: str):
    @op(name=f"{body}_task", ins={"start": In(Nothing)})
    def work() -> None:
        run_body(body)
    return work


OPS = {body: make_op(body) for body in ("noop", "cpu", "sleep")}


def make_job(shape: Shape, dag_id: str):
    ids = shape.task_ids(SCALE)
    work = OPS[shape.body]

    @job(name=dag_id, executor_def=EXECUTOR)
    def run_shape():
        if shape.kind == "chain":
            previous = None
            for t in ids:
                previous = work.alias(t)(start=previous) if previous is not None else work.alias(t)()
        elif shape.kind == "fanout":
            root = work.alias("root")()
            middle = [work.alias(t)(start=root) for t in ids[1:-1]]
            work.alias("join")(start=middle)
        else:
            for t in ids:
                work.alias(t)()

    return run_shape


def factory(shape: Shape, dag_id: str):
    return lambda: make_job(shape, dag_id)


JOB_FACTORIES = {d: factory(shape, d) for shape in SHAPES.values() for d in shape.dag_ids(SCALE)}


@repository
def peer_bench():
    return {"jobs": JOB_FACTORIES}
