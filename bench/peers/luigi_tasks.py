"""Luigi side's tasks and run command (runs with .venv-luigi's Python; started once per run by luigi_driver.py).

    python luigi_tasks.py SHAPE SCALE RUN_ID OUTDIR SCHEDULER_PORT

Builds every DAG of the shape as Luigi tasks (bench/peers/shapes.py; one Work task per orch task, its upstream tasks
as requires(), an empty file under OUTDIR/RUN_ID as its output) and runs them with `luigi.build(..., workers=2)`
against the central scheduler on 127.0.0.1:SCHEDULER_PORT, as `luigi --module ... --workers 2` would: with more
than one worker, each task runs in its own forked process. Exit 0 when every task succeeded.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import luigi  # noqa: E402

from shapes import SHAPES, run_body  # noqa: E402


class Work(luigi.Task):
    shape = luigi.Parameter()
    scale = luigi.Parameter()
    run_id = luigi.Parameter()
    dag_id = luigi.Parameter()
    task_name = luigi.Parameter()
    outdir = luigi.Parameter(significant=False)

    def requires(self):
        s = SHAPES[self.shape]
        return [self.clone(task_name=u) for u in s.upstream(self.task_name, self.scale)]

    def output(self):
        return luigi.LocalTarget(os.path.join(self.outdir, self.run_id, self.dag_id, self.task_name))

    def run(self):
        run_body(SHAPES[self.shape].body)
        with self.output().open("w"):
            pass


def main() -> int:
    shape_name, scale, run_id, outdir, port = sys.argv[1:6]
    shape = SHAPES[shape_name]
    ids = shape.task_ids(scale)
    ends = ids if shape.kind == "burst" else [ids[-1]]  # the tasks nothing depends on
    tasks = [Work(shape=shape_name, scale=scale, run_id=run_id, dag_id=d, task_name=t, outdir=outdir)
             for d in shape.dag_ids(scale) for t in ends]
    ok = luigi.build(tasks, workers=2, local_scheduler=False, scheduler_host="127.0.0.1",
                     scheduler_port=int(port), detailed_summary=False, log_level="WARNING")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
