"""Prefect side's long-lived flow process (runs with .venv-prefect's Python; started by prefect_driver.py).

Defines one Prefect flow per DAG of every shape (bench/peers/shapes.py), each with a ThreadPoolTaskRunner of 2
threads, and runs them on request: reads one JSON line per run from stdin, {"run_id", "shape", "scale"}, calls the
flow of every DAG of the shape (several DAGs: 2 flows at a time, from a thread pool of 2), and answers on stdout
with {"run_id", "flow_runs": [[dag_id, flow_run_id, state_name], ...]}; a flow call that raises (rather than ending
in a state) answers [dag_id, null, "raised ..."] and the process serves the next request. The flows report to the Prefect server at
PREFECT_API_URL, which keeps every state in its SQLite database; the driver reads task times from there.
Prints {"ready": true, "flows": N} once the flows are defined.
"""
from __future__ import annotations

import json
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prefect import flow, task  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from shapes import SHAPES, Shape, run_body  # noqa: E402


@task(persist_result=False)
def work(body: str) -> None:
    run_body(body)


def make_flow(shape: Shape, scale: str, dag_id: str):
    ids = shape.task_ids(scale)

    def step(task_id: str):
        return work.with_options(task_run_name=task_id)

    @flow(name=dag_id, task_runner=ThreadPoolTaskRunner(max_workers=2), persist_result=False)
    def run_shape() -> None:
        if shape.kind == "chain":
            for t in ids:
                step(t)(shape.body)
        elif shape.kind == "fanout":
            root = step("root").submit(shape.body)
            middle = [step(t).submit(shape.body, wait_for=[root]) for t in ids[1:-1]]
            step("join").submit(shape.body, wait_for=middle).result()
        else:
            for f in [step(t).submit(shape.body) for t in ids]:
                f.result()

    return run_shape


def main() -> None:
    flows = {(name, scale): {d: make_flow(shape, scale, d) for d in shape.dag_ids(scale)}
             for name, shape in SHAPES.items() for scale in ("full", "small")}
    print(json.dumps({"ready": True, "flows": sum(len(f) for f in flows.values())}), flush=True)
    pool = ThreadPoolExecutor(max_workers=2)
    for line in sys.stdin:
        req = json.loads(line)
        dags = flows[(req["shape"], req["scale"])]

        def one(item):
            dag_id, f = item
            try:
                state = f(return_state=True)
            except Exception as e:  # Prefect raised instead of returning a state (its API client, say): reported as
                traceback.print_exc()   # that flow's failure, and the process stays up for the next request
                return [dag_id, None, f"raised {type(e).__name__}: {e}"[:300]]
            return [dag_id, str(state.state_details.flow_run_id), state.name]

        results = [one(i) for i in dags.items()] if len(dags) == 1 else list(pool.map(one, dags.items()))
        print(json.dumps({"run_id": req["run_id"], "flow_runs": results}), flush=True)


if __name__ == "__main__":
    main()
