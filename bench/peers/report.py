#!/usr/bin/env python3
"""Writes the peer benchmark's report from the drivers' JSON lines: Markdown tables and two SVG charts.

    python3 bench/peers/report.py SAMPLES.jsonl [--machine MACHINE.json] [--out bench/out] [--readme README.md]

Writes OUT/peers.md, OUT/peers-tasks-per-s.svg and OUT/peers-memory.svg; with --readme, also the two tables the
README carries between its <!-- peers-glance -->, <!-- peers-ratios --> and <!-- peers-targets --> markers (the
issue's targets judged from the same medians: targets.py). Every figure is a median with min-max over
the runs in the file; nothing is filled in by hand: a system with no successful run of a shape reads "-" (its
errors are listed at the end). Standard library only; the charts are hand-written SVG.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from comparisons import (FLOOR_PAIRS, GLANCE_UNITS, PAIRS, PRIMARY, SHAPE_ORDER, advantage,  # noqa: F401
                         fmt, idles, median, overhead_over_floor, overhead_shapes, pair_advantage, ratio_cell)
import otherwork
import targets

SYSTEMS = ["orch-proc", "orch-inproc", "orch-test", "prefect", "dagster", "dagster-inprocess", "luigi", "airflow",
           "floor-spawn", "floor-forked", "floor-fsync", "floor-isolated", "floor-batched"]
# What each system is: the report says which is compared with which.
ABOUT = {
    "orch-proc": "orch, a process per task (fork server), `orch serve` triggered through its REST API, SQLite",
    "orch-inproc": "orch, Swift tasks in the bundle's task host (one process, no process per task), `orch serve` triggered through its REST API, SQLite",
    "orch-test": "orch `dags test`: one run in one process of its bundle, a task at a time, persists nothing",
    "prefect": "Prefect 3 server on SQLite, flow process with ThreadPoolTaskRunner(2): tasks are threads",
    "dagster": "Dagster webserver + daemon on SQLite, multiprocess executor with forkserver (a process per step)",
    "dagster-inprocess": "Dagster `execute_in_process`, ephemeral instance: persists nothing",
    "luigi": "Luigi central scheduler (task history in SQLite), worker --workers 2 (a process per task)",
    "airflow": "Airflow 3, LocalExecutor, parallelism 2, metadata on PostgreSQL",
    "floor-spawn": "no orchestrator: a shell loop spawning a small Swift binary per task",
    "floor-forked": "no orchestrator: a small process forking a child per task (no exec), 2 at a time",
    "floor-fsync": "no orchestrator: one process calling the task closure, an fsync'd SQLite write per state change",
    "floor-isolated": "no orchestrator: orch's two guarantees alone, the closure in a second process over a pipe and "
                      "each state change committed before it is acted on (WAL, no fsync)",
    "floor-batched": "no orchestrator: one process calling the task closure, all state changes in one transaction",
}


def load(path: Path) -> list[dict]:
    records = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{n}: not JSON ({e.msg}): {line[:80]!r}") from None
        if isinstance(rec, dict) and rec.get("type") in ("sample", "idle", "error"):
            records.append(rec)
    return records


def stats(values: list[float]) -> dict | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def summarize(records: list[dict]) -> dict:
    """{(system, shape): {metric: stats}} over the samples; idle records under shape 'idle'."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for r in records:
        if r["type"] == "sample":
            grouped.setdefault((r["system"], r["shape"]), []).append(r)
        elif r["type"] == "idle":
            grouped.setdefault((r["system"], "idle"), []).append(r)
    out = {}
    for key, rows in grouped.items():
        metrics = {k for row in rows for k, v in row.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        out[key] = {m: stats([row.get(m) for row in rows]) for m in sorted(metrics)}
    return out


def cell(s: dict | None) -> str:
    if not s:
        return "-"
    if s["n"] == 1:
        return f"{fmt(s['median'])} (n=1)"
    return f"{fmt(s['median'])} ({fmt(s['min'])}–{fmt(s['max'])})"


def present_systems(summary: dict) -> list[str]:
    seen = {s for s, _ in summary}
    return [s for s in SYSTEMS if s in seen] + sorted(seen - set(SYSTEMS))


def view(summary: dict):
    """The systems and shapes present in `summary`, in report order, and a lookup get(system, shape, metric)."""
    systems = present_systems(summary)
    shapes = [s for s in SHAPE_ORDER if any((sys_, s) in summary for sys_ in systems)]
    return systems, shapes, lambda sys_, shape, m: (summary.get((sys_, shape)) or {}).get(m)


def glance(systems: list[str], shapes: list[str], get) -> list[str]:
    """The medians alone, one row per shape and one for the idle system's memory: the table the README copies."""
    lines = ["## At a glance: medians", "", "| shape | " + " | ".join(systems) + " |",
             "| --- | " + " | ".join("---" for _ in systems) + " |"]
    for shape in shapes:
        metric, _ = PRIMARY[shape]
        unit, factor = GLANCE_UNITS[metric]
        medians = [median(get, s, shape, metric) for s in systems]
        lines.append(f"| {shape} ({unit}) | " + " | ".join(fmt(m * factor if m is not None else None)
                                                          for m in medians) + " |")
    idle = [median(get, s, "idle", "pss_mb_median") if idles(get, s) else None for s in systems]
    if any(v is not None for v in idle):
        lines.append("| idle, DAGs loaded (PSS, MiB) | " + " | ".join(fmt(v) for v in idle) + " |")
    return lines + [""]


def ratios(systems: list[str], shapes: list[str], get) -> list[str]:
    """orch's advantage over each like-for-like peer per shape: the other table the README copies."""
    pairs = [(o, p) for o, p in PAIRS if o in systems and p in systems] or [("-", "-")]
    lines = ["| shape | " + " | ".join(f"{o} vs {p}" for o, p in pairs) + " |",
             "| --- | " + " | ".join("---" for _ in pairs) + " |"]
    for shape in shapes:
        lines.append(f"| {shape} | " + " | ".join(ratio_cell(pair_advantage(get, o, p, shape)) for o, p in pairs) + " |")
    return lines


def readme_tables(summary: dict) -> dict[str, list[str]]:
    """The tables the README carries between its markers: the medians at a glance, the ratios and the targets."""
    systems, shapes, get = view(summary)
    table = [line for line in glance(systems, shapes, get) if line.startswith("|")]
    return {"peers-glance": table, "peers-ratios": ratios(systems, shapes, get),
            "peers-targets": targets.body(systems, shapes, get)}


def splice(text: str, tables: dict[str, list[str]]) -> str:
    """Replaces what lies between each <!-- name --> and <!-- /name --> with the named table; a missing or
    repeated marker is an error, so that a README is never half rewritten."""
    for name, lines in tables.items():
        start, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
        if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
            raise ValueError(f"the README needs exactly one '<!-- {name} -->' line before one '{end}'")
        head, rest = text.split(start)
        _, tail = rest.split(end)
        text = head + start + "\n".join(lines) + "\n" + end + tail
    return text


def file_create_line(index: int, part: dict, parts: int) -> str | None:
    """What creating a file under TMPDIR cost at the part's start and end (run.py's probe, bench/peers/file_create.py):
    orch creates two files per attempt, so a slow file system shows in its hops. None for a run made before it."""
    start, end = part.get("file_create_start"), part.get("file_create_end")
    if not start:
        return None
    waited = f", after waiting {start['waited_s']:.0f} s for it to settle" if start.get("waited_s") else ""
    at_end = f"; at the end {end['p50_us']} µs" if end else ""
    which = f" (part {index})" if parts > 1 else ""
    return (f"Creating a file under TMPDIR{which}, p50 of 200 new files: {start['p50_us']} µs at the start{waited}"
            f"{at_end}.\n")


def markdown(summary: dict, errors: list[dict], machine: dict, records: list[dict] = ()) -> str:
    """The whole report; `records` (the samples and idle records) give the section on other work on the machine."""
    systems, shapes, get = view(summary)
    lines = ["# orch against its peers and the machine's floor", ""]
    if machine:
        lines += [f"Machine: {machine.get('machine', '?')}", "",
                  f"Load (`uptime`) at the start: {machine.get('uptime_start', '?')}; at the end: "
                  f"{machine.get('uptime_end', '?')}.", "",
                  f"Command: `{machine.get('command', '?')}` (scale {machine.get('scale', '?')}, "
                  f"{machine.get('repeats', '?')} interleaved runs per figure).", ""]
        if machine.get("homes"):   # TMPDIR: where every system's home, database and logs lived
            lines += [f"Every system's home, database and logs under `{machine['homes']}` (TMPDIR).", ""]
        parts = machine.get("parts") or []
        lines += [line for line in (file_create_line(i, p, len(parts)) for i, p in enumerate(parts, 1)) if line]
        if len(parts) > 1:   # carried on with --resume: each part's own start and load
            lines += [f"Run in {len(parts)} parts (`--resume`; of a step cut short the finished shapes were kept, the "
                      "others run again):", ""]
            lines += [f"- part {i}: started {p.get('started', '?')}"
                      + (f" on {p['machine']}" if p.get("machine") else "")
                      + f"; load at its start: {p.get('uptime_start', '?')}; at its end: {p.get('uptime_end', 'cut short')}"
                      + (f"; orch's executables sha256 {p['executables_sha256'][:12]}" if p.get("executables_sha256")
                         else "")
                      + (f"; homes under {p['homes']}" if p.get("homes") and p["homes"] != machine.get("homes") else "")
                      for i, p in enumerate(parts, 1)]
            lines += [""]
    quiet = otherwork.summary_line(list(records))
    if quiet:
        lines += [quiet, ""]
    lines += glance(systems, shapes, get)
    lines += ["Each cell: median (min–max) over the runs; times in seconds. Settings per system and why they are fair: "
              "docs/bench-peers.md.", "", "| system | what runs |", "| --- | --- |"]
    lines += [f"| {s} | {ABOUT.get(s, '')} |" for s in systems]
    lines += [""] + targets.markdown(systems, shapes, get)
    lines += ["## Per shape: the headline figure", "", "| shape | figure | " + " | ".join(systems) + " |",
              "| --- | --- | " + " | ".join("---" for _ in systems) + " |"]
    for shape in shapes:
        metric, higher = PRIMARY[shape]
        label = f"{metric} ({'higher' if higher else 'lower'} is better)"
        lines.append(f"| {shape} | {label} | " + " | ".join(cell(get(s, shape, metric)) for s in systems) + " |")
    lines += ["", "## orch's advantage, like for like (above 1x orch is ahead, below 1x the peer is)", "",
              "Process per task: orch-proc against Dagster (multiprocess), Luigi and Airflow. Threads or one process: "
              "orch-inproc against Prefect and Dagster's execute_in_process. One process that persists nothing: `orch dags test` "
              "(orch-test) against Dagster's execute_in_process.", ""]
    lines += ratios(systems, shapes, get)
    lines += ["", "## orch over the floor: overhead per task (ms, wall minus work, divided by the tasks)", "",
              "The ratio is orch's overhead per task over the floor's (1x: orch costs what the bare mechanism costs). "
              "The one-task trigger shape is left out: its wall is one task's own duration (a no-op's body), no "
              "overhead between tasks; its figure is the trigger latency above.", ""]
    fpairs = [(o, f) for o, f in FLOOR_PAIRS if o in systems and f in systems]
    if not fpairs:   # a run without an orch system or without its floors (bench/peers/floors.py)
        lines.append("No orch system and floor of its mechanism both ran: nothing to set side by side.")
    else:
        lines += ["| shape | " + " | ".join(f"{o} | {f} | ratio" for o, f in fpairs) + " |",
                  "| --- | " + " | ".join("--- | --- | ---" for _ in fpairs) + " |"]
        for shape in overhead_shapes(shapes):
            row = [f"{cell(get(o, shape, 'overhead_per_task_ms'))} | {cell(get(f, shape, 'overhead_per_task_ms'))} | "
                   f"{ratio_cell(overhead_over_floor(get, o, f, shape))}" for o, f in fpairs]
            lines.append(f"| {shape} | " + " | ".join(row) + " |")
    lines += ["", "## Peak memory of the whole system per shape (MiB, summed RSS of every process)", "",
              "| shape | " + " | ".join(systems) + " |", "| --- | " + " | ".join("---" for _ in systems) + " |"]
    for shape in shapes:
        lines.append(f"| {shape} | " + " | ".join(cell(get(s, shape, "peak_rss_mb")) for s in systems) + " |")
    lines += ["", "## CPU seconds per shape (user + system, every process of the system)", "",
              "| shape | " + " | ".join(systems) + " |", "| --- | " + " | ".join("---" for _ in systems) + " |"]
    for shape in shapes:
        lines.append(f"| {shape} | " + " | ".join(cell(get(s, shape, "cpu_s")) for s in systems) + " |")
    idle = [s for s in systems if (s, "idle") in summary and idles(get, s)]
    if idle:
        lines += ["", "## Idle, DAGs loaded", "",
                  "PSS counts a page shared by the system's processes once (its share in each); summed RSS counts "
                  "shared libraries once per process. Smallest memory first, by PSS.", "",
                  "| system | DAGs loaded | seconds | CPU % | PSS median (MiB) | RSS median (MiB) | processes |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        by_memory = lambda s: ((get(s, 'idle', 'pss_mb_median') or get(s, 'idle', 'rss_mb_median') or {})  # noqa: E731
                               .get("median", float("inf")))
        for s in sorted(idle, key=by_memory):
            lines.append(f"| {s} | {cell(get(s, 'idle', 'dags_loaded'))} | {cell(get(s, 'idle', 'seconds'))} | "
                         f"{cell(get(s, 'idle', 'cpu_pct'))} | {cell(get(s, 'idle', 'pss_mb_median'))} | "
                         f"{cell(get(s, 'idle', 'rss_mb_median'))} | {cell(get(s, 'idle', 'processes'))} |")
    lines += [""] + otherwork.markdown(list(records), systems)
    lines += ["## Runs that failed or did not finish", ""]
    if errors:
        lines += ["| system | shape | error |", "| --- | --- | --- |"]
        lines += [f"| {e.get('system')} | {e.get('shape')} | {str(e.get('error', '')).replace('|', '/')[:200]} |"
                  for e in errors]
    else:
        lines.append("None.")
    lines += ["", "Charts: peers-tasks-per-s.svg (tasks/s, log scale), peers-memory.svg (peak MiB, log scale).", ""]
    return "\n".join(lines)


COLORS = ["#1f77b4", "#aec7e8", "#ff7f0e", "#2ca02c", "#98df8a", "#d62728", "#9467bd", "#7f7f7f", "#c7c7c7",
          "#bcbd22", "#17becf"]


def svg_bars(title: str, unit: str, groups: list[str], series: list[str], values: dict) -> str:
    """A grouped bar chart on a log scale: one group per shape, one bar per system; values[(series, group)]."""
    import math
    vals = [v for v in values.values() if v and v > 0]
    if not vals:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60"><text x="10" y="30">{title}: '
                'no figures</text></svg>\n')
    lo = 10 ** math.floor(math.log10(min(vals)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    if hi <= lo:
        hi = lo * 10
    bar, gap, left, top, height = 12, 24, 70, 40, 260
    width = left + len(groups) * (len(series) * bar + gap) + 220
    y = lambda v: top + height - height * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + 90}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="20" font-size="14">{title} ({unit}, log scale)</text>']
    decade = lo
    while decade <= hi:
        yy = y(decade)
        out.append(f'<line x1="{left}" x2="{width - 220}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{fmt(decade)}</text>')
        decade *= 10
    for gi, g in enumerate(groups):
        x0 = left + gi * (len(series) * bar + gap) + gap / 2
        for si, s in enumerate(series):
            v = values.get((s, g))
            if not v or v <= 0:
                continue
            yy = y(v)
            out.append(f'<rect x="{x0 + si * bar:.1f}" y="{yy:.1f}" width="{bar - 1}" height="{top + height - yy:.1f}" '
                       f'fill="{COLORS[si % len(COLORS)]}"><title>{s} {g}: {fmt(v)} {unit}</title></rect>')
        out.append(f'<text x="{x0 + len(series) * bar / 2:.1f}" y="{top + height + 16}" text-anchor="middle">{g}</text>')
    for si, s in enumerate(series):
        ly = top + si * 16
        out.append(f'<rect x="{width - 200}" y="{ly}" width="10" height="10" fill="{COLORS[si % len(COLORS)]}"/>')
        out.append(f'<text x="{width - 185}" y="{ly + 9}">{s}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def charts(summary: dict) -> tuple[str, str]:
    systems, shapes, _ = view(summary)
    # Not the one-task trigger shape: its "tasks/s" is one over a no-op body's own duration (a million and more).
    tp_shapes = overhead_shapes(shapes)
    tps = {(s, g): summary[(s, g)]["tasks_per_s"]["median"] for s in systems for g in tp_shapes
           if (s, g) in summary and summary[(s, g)].get("tasks_per_s")}
    mem_groups = shapes + (["idle"] if any((s, "idle") in summary for s in systems) else [])
    mem = {}
    for s in systems:
        for g in mem_groups:
            m = (summary.get((s, g)) or {}).get("rss_mb_median" if g == "idle" else "peak_rss_mb")
            if m:
                mem[(s, g)] = m["median"]
    return (svg_bars("Tasks per second per shape (first task start to last task end)", "tasks/s",
                     [g for g in tp_shapes if any((s, g) in tps for s in systems)], systems, tps),
            svg_bars("Peak memory of the whole system per shape", "MiB", mem_groups, systems, mem))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("samples", type=Path)
    ap.add_argument("--machine", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "out")
    ap.add_argument("--readme", type=Path, help="also rewrite this file's peers-glance, peers-ratios and peers-targets tables")
    a = ap.parse_args(argv)
    if not a.samples.is_file():
        print(f"report: no samples file at {a.samples}", file=sys.stderr)
        return 2
    try:
        records = load(a.samples)
        machine = json.loads(a.machine.read_text()) if a.machine and a.machine.is_file() else {}
        summary = summarize(records)
        readme = splice(a.readme.read_text(), readme_tables(summary)) if a.readme else None
    except (ValueError, OSError) as e:
        print(f"report: {e}", file=sys.stderr)
        return 2
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "peers.md").write_text(markdown(summary, [r for r in records if r["type"] == "error"], machine,
                                            records))
    tasks_svg, memory_svg = charts(summary)
    (a.out / "peers-tasks-per-s.svg").write_text(tasks_svg)
    (a.out / "peers-memory.svg").write_text(memory_svg)
    print(f"report: {len(records)} records -> {a.out / 'peers.md'}, peers-tasks-per-s.svg, peers-memory.svg",
          file=sys.stderr)
    if readme is not None:
        a.readme.write_text(readme)
        print(f"report: the glance, ratio and target tables in {a.readme} rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
