"""The shapes of the peer benchmark and the figures computed from a run's task times (stdlib only: every peer's
venv imports this file).

The table mirrors dags/PeerBenchmarks.swift (orch's side of the same shapes): a change to one is a change to both.
Kinds: fanout (root -> width parallel tasks -> join), chain (c1 -> ... -> cN), burst (N independent tasks).
Bodies: noop; cpu (spin until the thread has used 10 ms of CPU); sleep (1 s). DAG ids are the orch ones,
`peer_<shape>_proc[_s][_<i>]`, for every system (orch adds `_inproc` for its in-process mode).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

CPU_TASK_SECONDS = 0.010
SLEEP_TASK_SECONDS = 1.0


@dataclass(frozen=True)
class Shape:
    name: str
    kind: str          # fanout | chain | burst
    body: str          # noop | cpu | sleep
    full: tuple[int, int]   # (DAGs, size)
    small: tuple[int, int]
    about: str

    def dims(self, scale: str) -> tuple[int, int]:
        if scale not in ("full", "small"):
            raise ValueError(f"scale must be 'full' or 'small', got {scale!r}")
        return self.full if scale == "full" else self.small

    def dag_ids(self, scale: str, mode: str = "proc") -> list[str]:
        dags, _ = self.dims(scale)
        base = f"peer_{self.name}_{mode}" + ("_s" if scale == "small" else "")
        return [base] if dags == 1 else [f"{base}_{i}" for i in range(1, dags + 1)]

    def task_ids(self, scale: str) -> list[str]:
        """Task ids of one DAG of the shape, in dependency order."""
        _, size = self.dims(scale)
        if self.kind == "fanout":
            return ["root", *(f"t{i}" for i in range(1, size + 1)), "join"]
        if self.kind == "chain":
            return [f"c{i}" for i in range(1, size + 1)]
        return [f"b{i}" for i in range(1, size + 1)]

    def upstream(self, task_id: str, scale: str) -> list[str]:
        """The task's direct upstream tasks."""
        if self.kind == "burst" or task_id in ("root",):
            return []
        if self.kind == "fanout":
            return [t for t in self.task_ids(scale) if t not in ("root", "join")] if task_id == "join" else ["root"]
        i = int(task_id[1:])
        return [] if i == 1 else [f"c{i - 1}"]

    def tasks_per_dag(self, scale: str) -> int:
        return len(self.task_ids(scale))

    def total_tasks(self, scale: str) -> int:
        return self.dims(scale)[0] * self.tasks_per_dag(scale)

    def work_seconds(self) -> float:
        return {"noop": 0.0, "cpu": CPU_TASK_SECONDS, "sleep": SLEEP_TASK_SECONDS}[self.body]


SHAPES: dict[str, Shape] = {s.name: s for s in [
    Shape("fanout_100", "fanout", "noop", (1, 100), (1, 10), "root -> 100 parallel no-ops -> join (102 tasks)"),
    Shape("fanout_1000", "fanout", "noop", (1, 1000), (1, 20), "root -> 1,000 parallel no-ops -> join (1,002 tasks)"),
    Shape("chain_20", "chain", "noop", (1, 20), (1, 5), "20 no-ops in a chain: hop latency"),
    Shape("trigger", "chain", "noop", (1, 1), (1, 1), "one no-op: trigger to first task start"),
    Shape("cpu_40", "chain", "cpu", (1, 40), (1, 5), "40 sequential tasks of 10 ms CPU (Windmill's benchmark)"),
    Shape("light_400", "chain", "noop", (1, 400), (1, 10), "400 sequential light tasks (Windmill's benchmark)"),
    Shape("sleep_10", "chain", "sleep", (1, 10), (1, 2), "10 sequential 1-second tasks: overhead = wall - work"),
    Shape("astro_100x10", "chain", "noop", (100, 10), (3, 3), "100 DAGs x 10 linear no-ops, triggered together"),
    Shape("astro_10x100", "chain", "noop", (10, 100), (2, 5), "10 DAGs x 100 linear no-ops, triggered together"),
    Shape("astro_1x1000", "burst", "noop", (1, 1000), (1, 20), "1 DAG, 1,000 independent no-ops (burst)"),
]}

IDLE_DAGS = 100  # the idle scenario: a system with (at least) this many DAGs loaded


def parse_shapes(spec: str) -> list[Shape]:
    """'all', 'none' (no shape: a driver then measures only the idle system) or a comma-separated list of shape
    names; an unknown name is an error that lists the known ones."""
    if spec == "all":
        return list(SHAPES.values())
    if spec == "none":
        return []
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in SHAPES]
    if unknown or not names:
        raise ValueError(f"unknown shape(s) {unknown or spec!r}; known: {', '.join(SHAPES)} or 'all'")
    return [SHAPES[n] for n in names]


def run_body(body: str) -> None:
    """A task's work in Python (the peers' task bodies); orch's Swift bodies follow the same rule."""
    if body == "cpu":
        end = time.thread_time() + CPU_TASK_SECONDS
        x = 1
        while time.thread_time() < end:
            for _ in range(200):
                x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    elif body == "sleep":
        time.sleep(SLEEP_TASK_SECONDS)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


def figures(shape: Shape, scale: str, tasks: list[tuple[str, str, float, float]], t_trigger: float | None,
            run_end: float | None) -> dict:
    """Figures of one run from its task times: tasks are (dag_id, task_id, start, end) in Unix seconds.

    wall_s: first task start -> last task end; tasks_per_s = tasks / wall_s; trigger_to_first_start_s and
    trigger_to_end_s (run end, or the last task end when the system has no run end) from the trigger time;
    overhead_s = wall_s - the work on the critical path (chains: tasks x work; others: the work of one task per
    layer); overhead_per_task_ms = overhead_s / tasks. Chains: hop_p50_s / hop_p95_s over every hop (a task's start
    minus its upstream's end), pooled over the shape's DAGs.
    """
    expected = shape.total_tasks(scale)
    if len(tasks) != expected:
        raise ValueError(f"{shape.name}: expected {expected} task times, got {len(tasks)}")
    if any(end < start for _, _, start, end in tasks):
        raise ValueError(f"{shape.name}: a task ends before it starts")
    first_start = min(t[2] for t in tasks)
    last_end = max(t[3] for t in tasks)
    wall = last_end - first_start
    layers = {"chain": shape.tasks_per_dag(scale), "fanout": 3, "burst": 1}[shape.kind]
    work = layers * shape.work_seconds()
    out = {
        "tasks": len(tasks),
        "wall_s": round(wall, 4),
        "tasks_per_s": round(len(tasks) / wall, 3) if wall > 0 else None,
        "overhead_s": round(wall - work, 4),
        "overhead_per_task_ms": round((wall - work) / len(tasks) * 1000, 3),
    }
    if t_trigger is not None:
        out["trigger_to_first_start_s"] = round(first_start - t_trigger, 4)
        out["trigger_to_end_s"] = round(max(run_end or last_end, last_end) - t_trigger, 4)
    if shape.kind == "chain" and shape.tasks_per_dag(scale) > 1:
        by_dag: dict[str, dict[str, tuple[float, float]]] = {}
        for dag_id, task_id, start, end in tasks:
            by_dag.setdefault(dag_id, {})[task_id] = (start, end)
        hops = []
        for times in by_dag.values():
            for task_id in shape.task_ids(scale)[1:]:
                (up,) = shape.upstream(task_id, scale)
                hops.append(times[task_id][0] - times[up][1])
        out["hop_p50_s"] = round(percentile(hops, 50), 6)  # to the microsecond: in-process hops are tenths of a ms
        out["hop_p95_s"] = round(percentile(hops, 95), 6)
    return out
