#!/usr/bin/env python3
"""Formats the results bench/run-all.sh collected in an output folder as Markdown tables (stdout).

    python3 bench/tables.py bench/out

Reads, when present: core.json (core_bench.py --json), scheduler.json (scheduler_bench.py --json), scenarios.json
(scheduler_scenarios.py --json), api.txt
(bench/api/run.sh output), shopstream.json (last line of shopstream_bench.sh), vs/*.jsonl (summary lines of
orch_scenarios.py and bench/airflow/run.py) and machine.txt. A benchmark that did not run or failed shows as
"not measured" with the reason file's first line, never as a number.
"""
import json
import re
import sys
from pathlib import Path


def load_json(path: Path):
    try:
        return json.loads(path.read_text().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None


def row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def fmt(v, spec):
    return "not measured" if v is None else format(v, spec)


def orch_table(out: Path) -> list[str]:
    lines = [row(["figure", "measured", "target"]), row(["---", "---:", "---"])]
    core = load_json(out / "core.json")
    # The hops' target is "not worse than issue 17's baseline" (bench/compare_builds.py measures both builds).
    for mode, label, tps_t, hop_t in (("process", "process-isolated", 250, "baseline"), ("inprocess", "in-process", 5000, "baseline")):
        f = (core or {}).get(f"fanout_1000_{mode}") or {}
        c = (core or {}).get(f"chain_100_{mode}") or {}
        lines.append(row([f"fan-out 1,000 {label}: tasks/s", fmt(f.get("tasks_per_s"), ",.0f"), f">= {tps_t:,}"]))
        lines.append(row([f"fan-out 1,000 {label}: run wall (s)", fmt(f.get("run_seconds"), ".2f"), ""]))
        lines.append(row([f"chain 100 {label}: hop p50 (ms)", fmt(c.get("hop_p50_ms"), ".2f"), f"<= {hop_t}"]))
        lines.append(row([f"chain 100 {label}: hop p95 (ms)", fmt(c.get("hop_p95_ms"), ".2f"), ""]))
    lines.append(row(["peak RSS of `orch run` (MB)", fmt((core or {}).get("peak_rss_mb"), ".1f"), "<= 40"]))
    lines.append(row(["peak RSS of its bundle's fork server / task host (MB)",
                      fmt((core or {}).get("helper_peak_rss_mb"), ".1f"), ""]))
    scenarios = load_json(out / "scenarios.json") or {}
    for name, label in (("linear", "100 DAGs x 10 linear tasks"), ("wide", "10 DAGs x 100 tasks"),
                        ("burst", "1 DAG, 1,000-task burst")):
        sc = scenarios.get(name) or {}
        lines.append(row([f"scheduler scenario {label}: total scheduling lag (s)", fmt(sc.get("total_lag_s"), ".2f"), ""]))
        lines.append(row([f"scheduler scenario {label}: task lag p50 / p95 (ms)",
                          "not measured" if not sc else f"{sc['p50_ms']:.2f} / {sc['p95_ms']:.2f}", ""]))
    sched = load_json(out / "scheduler.json") or {}
    lines.append(row(["trigger to first task running p50 (ms)", fmt(sched.get("trigger_to_start_p50_ms"), ".1f"),
                      "<= 100"]))
    lines.append(row(["trigger to first task running p95 (ms)", fmt(sched.get("trigger_to_start_p95_ms"), ".1f"), ""]))
    idle_s = sched.get("idle_seconds")
    lines.append(row([f"idle scheduler CPU over {idle_s or '?':.0f} s, {sched.get('dags_loaded', '?')} DAGs (% of a core)"
                      if idle_s else "idle scheduler CPU (% of a core)",
                      fmt(sched.get("idle_cpu_percent"), ".2f"), "<= 1"]))
    api = {}
    try:
        for line in (out / "api.txt").read_text().splitlines():
            m = re.match(r"^(.+?)\s+([\d.]+) req/s\s+p99\s+([\d.]+)\s*(ms|us|s)?", line)   # run.sh's median lines
            if m:
                api[m.group(1).strip()] = (float(m.group(2)), f"{m.group(3)} {m.group(4) or 'ms'}")
    except OSError:
        pass
    for name in ("runs (cached)", "grid (cached)", "runs (no cache)", "grid (no cache)", "runs last page (no cache)"):
        rps, p99 = api.get(name, (None, None))
        targeted = "last page" not in name   # the targets name the runs list and the grid; a deep page is extra
        lines.append(row([f"API {name}, 10,000 runs: requests/s (median)", fmt(rps, ",.0f"),
                          ">= 5,000" if targeted else ""]))
        lines.append(row([f"API {name}: p99 latency (median)", p99 or "not measured", "<= 20 ms" if targeted else ""]))
    shop = load_json(out / "shopstream.json") or {}
    lines.append(row(["load_bronze events/s", fmt(shop.get("load_bronze_events_per_s"), ",.0f"), ">= 100,000"]))
    ev = shop.get("clickstream_events")
    lines.append(row([f"shopstream_daily at {ev:,} events: DAG run (s)" if ev else "shopstream_daily: DAG run (s)",
                      fmt(shop.get("dag_1m_seconds"), ".2f") + (f" ({shop['state']})" if shop.get("state") not in
                                                               (None, "success") else ""), "<= 60"]))
    return lines


VS_FIGURES = [  # scenario, key, label, unit scale, format, higher is better
    ("fanout", "tasks_per_s", "fan-out 100: tasks/s (first start to last end)", 1, ",.1f", True),
    ("fanout", "wall_s", "fan-out 100: first start to last end (s)", 1, ".2f", False),
    ("fanout", "trigger_to_end_s", "fan-out 100: trigger to run end (s)", 1, ".2f", False),
    ("fanout", "cpu_s", "fan-out 100: CPU of the whole system (s)", 1, ".2f", False),
    ("fanout", "peak_rss_mb", "fan-out 100: peak memory of the whole system (MB)", 1, ",.0f", False),
    ("chain", "hop_p50_s", "chain 20: hop p50 (ms)", 1000, ",.1f", False),
    ("chain", "hop_p95_s", "chain 20: hop p95 (ms)", 1000, ",.1f", False),
    ("chain", "trigger_to_end_s", "chain 20: trigger to run end (s)", 1, ".2f", False),
    ("chain", "cpu_s", "chain 20: CPU of the whole system (s)", 1, ".2f", False),
    ("chain", "peak_rss_mb", "chain 20: peak memory of the whole system (MB)", 1, ",.0f", False),
    ("trigger", "trigger_to_first_start_s", "trigger to first task start (ms)", 1000, ",.0f", False),
    ("trigger", "trigger_to_end_s", "trigger to run end (ms)", 1000, ",.0f", False),
    ("trigger", "peak_rss_mb", "1-task run: peak memory of the whole system (MB)", 1, ",.0f", False),
]


def vs_table(out: Path) -> list[str]:
    summaries = {}
    for f in sorted((out / "vs").glob("*.jsonl")):
        for line in f.read_text().splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if d.get("type") == "sample":
                summaries.setdefault((d["system"], d["scenario"]), []).append(d)
    if not summaries:
        return []
    import statistics
    repeats = {k: len(v) for k, v in summaries.items()}
    lines = [row(["figure (median)", "orch", "Airflow 3", "orch advantage"]), row(["---", "---:", "---:", "---:"])]
    for scen, key, label, scale, spec, higher in VS_FIGURES:
        vals = {}
        for system in ("orch", "airflow"):
            samples = summaries.get((system, scen), [])
            xs = [s[key] for s in samples if s.get(key) is not None]
            vals[system] = statistics.median(xs) * scale if xs else None
        o, a = vals["orch"], vals["airflow"]
        ratio = f"{(o / a if higher else a / o):,.1f}x" if o and a else "n/a"
        lines.append(row([label, fmt(o, spec), fmt(a, spec), ratio]))
    counts = ", ".join(f"{s} {sc}: {n}" for (s, sc), n in sorted(repeats.items()))
    lines.append("")
    lines.append(f"Runs per figure (interleaved orch/Airflow): {counts}.")
    return lines


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out")
    text = []
    machine = out / "machine.txt"
    if machine.exists():
        text += ["Machine: " + machine.read_text().strip(), ""]
    text += ["### orch benchmarks", ""] + orch_table(out)
    vs = vs_table(out)
    if vs:
        text += ["", "### orch vs Apache Airflow 3 (same DAG shapes, same PostgreSQL, 2 worker slots / parallelism 2)",
                 ""] + vs
    print("\n".join(text))


if __name__ == "__main__":
    main()
