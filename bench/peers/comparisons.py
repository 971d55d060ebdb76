"""What the peer benchmark compares: the like-for-like pairs, each shape's headline figure and its unit, and how a
ratio and a figure are written. Shared by the report (report.py) and its verdicts on the issue's targets
(targets.py)."""
from __future__ import annotations

# Like for like: process-per-task peers face orch's process mode, thread / in-process peers its in-process mode, and
# Dagster's execute_in_process (one process, one step after another, nothing persisted) faces `orch dags test`, which
# is the same. orch-inproc (every state change committed) against execute_in_process stays a pair too, as the issue
# set it: it is the figure of orch's scheduled in-process mode against Dagster's fastest way to run a job.
PAIRS = [("orch-proc", "dagster"), ("orch-proc", "luigi"), ("orch-proc", "airflow"),
         ("orch-inproc", "prefect"), ("orch-inproc", "dagster-inprocess"), ("orch-test", "dagster-inprocess")]
FLOOR_PAIRS = [("orch-proc", "floor-spawn"), ("orch-proc", "floor-forked"), ("orch-inproc", "floor-fsync"),
               ("orch-inproc", "floor-isolated"), ("orch-inproc", "floor-batched")]
# The headline figure per shape and whether higher is better.
PRIMARY = {
    "fanout_100": ("tasks_per_s", True), "fanout_1000": ("tasks_per_s", True), "astro_1x1000": ("tasks_per_s", True),
    "chain_20": ("hop_p50_s", False), "trigger": ("trigger_to_first_start_s", False),
    "cpu_40": ("trigger_to_end_s", False), "light_400": ("trigger_to_end_s", False),
    "astro_100x10": ("trigger_to_end_s", False), "astro_10x100": ("trigger_to_end_s", False),
    "sleep_10": ("overhead_s", False),
}
SHAPE_ORDER = list(PRIMARY)


def advantage(orch: float, peer: float, higher_is_better: bool) -> float | None:
    """How many times better orch is (above 1: orch ahead; below 1: the peer is)."""
    if orch is None or peer is None or orch <= 0 or peer <= 0:
        return None
    return orch / peer if higher_is_better else peer / orch


def median(get, system: str, shape: str, metric: str) -> float | None:
    """The median of `metric` for `system` on `shape` through a report lookup get(system, shape, metric), or None."""
    return (get(system, shape, metric) or {}).get("median")


def pair_advantage(get, orch: str, peer: str, shape: str) -> float | None:
    """orch's advantage over `peer` on `shape`'s headline figure (medians), or None without both."""
    metric, higher = PRIMARY[shape]
    return advantage(median(get, orch, shape, metric), median(get, peer, shape, metric), higher)


def overhead_shapes(shapes: list[str]) -> list[str]:
    """The shapes whose overhead per task means something: not trigger, whose one task has no overhead between tasks
    (its wall is the no-op body's own duration)."""
    return [s for s in shapes if s != "trigger"]


def overhead_over_floor(get, orch: str, floor: str, shape: str) -> float | None:
    """orch's overhead per task over the floor's on `shape` (1x: orch costs what the bare mechanism costs)."""
    return advantage(median(get, floor, shape, "overhead_per_task_ms"), median(get, orch, shape, "overhead_per_task_ms"),
                     False)


def ratio_cell(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}x" if x >= 1 else f"{x:.2f}x"


def fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if v == 0:
        return "0"   # -0.0 too (an idle floor's CPU share)
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


# Each headline metric's unit in the glance table, and the factor from the samples' unit (seconds) to it.
GLANCE_UNITS = {"tasks_per_s": ("tasks/s", 1), "hop_p50_s": ("hop, ms", 1000),
                "trigger_to_first_start_s": ("to first start, ms", 1000), "trigger_to_end_s": ("s", 1),
                "overhead_s": ("overhead, s", 1)}


def idles(get, system: str) -> bool:
    """Whether `system` ran anything while idle: a floor is no system, so it has no idle figure."""
    return bool((get(system, "idle", "processes") or {}).get("median"))
