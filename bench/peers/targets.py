"""The issue's targets, judged from a run's medians: each target's figure, whether it is met and, where a 10x is
not, whether the machine allows it at all.

Issue 20 asks for orch ahead of every like-for-like peer on every shape, by at least 10x on fan-out, chain hop and
trigger to first start; its idle memory the smallest; its process-isolated overhead per task within 3x of the bare
spawn cost; its in-process overhead per task within 5x of the batched floor. Each verdict here is computed from the
same summary as the report's tables (report.summarize), so the README states no figure by hand.

A 10x that is not met is set against the floor of orch's own mechanism in that mode (floor-forked for a process
per task, floor-isolated for in-process tasks with orch's two guarantees): when the figure 10x asks for is beyond
what that floor measured, no orchestrator with that mechanism could meet it on this machine, and the table says so.
An overhead target that is not met is set against the same floor on each shape it misses: the mechanism floor's own
overhead per task over the target's floor says whether the target is within that mechanism's reach at all.
"""
from __future__ import annotations

from comparisons import (GLANCE_UNITS, PAIRS, PRIMARY, fmt, idles, median, overhead_over_floor, overhead_shapes,
                         pair_advantage, ratio_cell)

TENFOLD_SHAPES = ["fanout_100", "fanout_1000", "astro_1x1000", "chain_20", "trigger"]
# The bare mechanism under each orch mode: what a 10x is checked against when it is not met.
MECHANISM_FLOOR = {"orch-proc": "floor-forked", "orch-inproc": "floor-isolated"}
OVERHEAD_TARGETS = [("orch-proc", "floor-spawn", 3.0), ("orch-inproc", "floor-batched", 5.0)]


def _fig(v: float, metric: str) -> str:
    unit, factor = GLANCE_UNITS[metric]
    return f"{fmt(v * factor)} {unit.split(', ')[-1]}"


def pair_ratios(systems: list[str], shapes: list[str], get, shape_filter=None) -> list[tuple[float, str, str, str]]:
    """(orch's advantage, orch system, peer, shape) for every like-for-like pair and shape both ran."""
    out = []
    for o, p in PAIRS:
        if o not in systems or p not in systems:
            continue
        for shape in shapes:
            if (not shape_filter or shape in shape_filter) and (r := pair_advantage(get, o, p, shape)) is not None:
                out.append((r, o, p, shape))
    return out


def overhead_ratios(systems: list[str], shapes: list[str], get, orch: str, floor: str) -> list[tuple[float, str]]:
    """(orch's overhead per task over the floor's, shape) for every shape with an overhead both ran."""
    if orch not in systems or floor not in systems:
        return []
    return [(x, shape) for shape in overhead_shapes(shapes) if (x := overhead_over_floor(get, orch, floor, shape))]


def tenfold_rows(systems: list[str], shapes: list[str], get) -> list[list[str]]:
    """One row per pair and shape under 10x: the figures, what 10x asks for and whether the mode's floor allows it."""
    rows = []
    for r, o, p, shape in sorted(pair_ratios(systems, shapes, get, TENFOLD_SHAPES), key=lambda t: t[0]):
        if r >= 10:
            continue
        metric, higher = PRIMARY[shape]
        peer = median(get, p, shape, metric)
        needed = peer * 10 if higher else peer / 10
        floor = MECHANISM_FLOOR.get(o)
        at_floor = median(get, floor, shape, metric) if floor else None
        if at_floor is None:
            verdict = "-"
        elif (needed > at_floor) if higher else (needed < at_floor):
            verdict = f"no: beyond {floor}'s {_fig(at_floor, metric)}"
        else:
            verdict = f"yes: {floor} {_fig(at_floor, metric)}"
        rows.append([shape, f"{o} vs {p}", _fig(median(get, o, shape, metric), metric), _fig(peer, metric),
                     ratio_cell(r), _fig(needed, metric), verdict])
    return rows


def overhead_rows(systems: list[str], shapes: list[str], get) -> list[list[str]]:
    """One row per shape over an overhead target: orch's overhead per task over the target's floor, and the floor of
    orch's mechanism in that mode over the same floor, which says whether the target is within reach of that mechanism
    at all on this machine."""
    rows = []
    for o, f, limit in OVERHEAD_TARGETS:
        m = MECHANISM_FLOOR[o]
        for x, shape in overhead_ratios(systems, shapes, get, o, f):
            if x <= limit:
                continue
            at_floor = overhead_over_floor(get, m, f, shape)
            verdict = ("-" if at_floor is None else f"no: {m} itself is {ratio_cell(at_floor)}" if at_floor > limit
                       else f"yes: {m} is {ratio_cell(at_floor)}")
            rows.append([shape, f"{o} within {limit:g}x of {f}", ratio_cell(x), verdict])
    return rows


def verdicts(systems: list[str], shapes: list[str], get) -> list[list[str]]:
    """[target, figure, verdict] for each of the issue's targets the run has the figures for."""
    rows = []
    ahead = pair_ratios(systems, shapes, get)
    if ahead:
        r, o, p, shape = min(ahead)
        behind = sum(1 for x in ahead if x[0] <= 1)
        rows.append(["ahead of every like-for-like peer on every shape",
                     f"closest {ratio_cell(r)} ({o} vs {p}, {shape}); {behind} of {len(ahead)} pairs not ahead",
                     "met" if behind == 0 else "not met"])
    tenfold = pair_ratios(systems, shapes, get, TENFOLD_SHAPES)
    if tenfold:
        under = [x for x in tenfold if x[0] < 10]
        r, o, p, shape = min(tenfold)
        rows.append(["at least 10x on fan-out, chain hop and trigger to first start",
                     f"lowest {ratio_cell(r)} ({o} vs {p}, {shape}); {len(under)} of {len(tenfold)} pairs under 10x",
                     "met" if not under else "not met"])
    idle = {s: v for s in systems if idles(get, s) and (v := median(get, s, "idle", "pss_mb_median")) is not None}
    orch_idle = {s: v for s, v in idle.items() if s in MECHANISM_FLOOR}
    peer_idle = {s: v for s, v in idle.items() if not s.startswith(("orch-", "floor-"))}
    if orch_idle and peer_idle:
        o = max(orch_idle, key=orch_idle.get)
        p = min(peer_idle, key=peer_idle.get)
        rows.append(["idle memory the smallest (PSS, DAGs loaded)",
                     f"{o} {orch_idle[o]:.1f} MiB, smallest peer {p} {peer_idle[p]:.1f} MiB",
                     "met" if orch_idle[o] < peer_idle[p] else "not met"])
    for o, f, limit in OVERHEAD_TARGETS:
        if ratios := overhead_ratios(systems, shapes, get, o, f):
            worst, shape = max(ratios)
            best, _ = min(ratios)
            rows.append([f"{o}'s overhead per task within {limit:g}x of {f}'s",
                         f"{ratio_cell(best)}–{ratio_cell(worst)} across {len(ratios)} shapes (worst {shape})",
                         "met" if worst <= limit else "not met"])
    return rows


def body(systems: list[str], shapes: list[str], get) -> list[str]:
    """The verdicts' table, then every pair under 10x and every shape over an overhead target against its mode's
    floor: what the README carries."""
    rows = verdicts(systems, shapes, get)
    if not rows:
        return []
    lines = _table(["target", "this run", "verdict"], rows)
    if under := tenfold_rows(systems, shapes, get):
        lines += ["", "Pairs under 10x on the 10x shapes, and whether the floor of orch's mechanism in that mode "
                  "(floor-forked for a process per task, floor-isolated in-process) allows 10x on this machine:", ""]
        lines += _table(["shape", "pair", "orch", "peer", "ratio", "10x needs", "the floor allows it"], under)
    if over := overhead_rows(systems, shapes, get):
        lines += ["", "Shapes over an overhead target, and whether the floor of orch's mechanism in that mode is within "
                  "it (its own overhead per task over the same floor's):", ""]
        lines += _table(["shape", "target", "orch", "the floor allows it"], over)
    return lines


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(r) + " |" for r in [header, ["---"] * len(header), *rows]]


def markdown(systems: list[str], shapes: list[str], get) -> list[str]:
    """The report's section on the issue's targets (nothing when the run has none of their figures)."""
    lines = body(systems, shapes, get)
    return ["## The issue's targets", ""] + lines + [""] if lines else []
