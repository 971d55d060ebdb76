"""Two (or more) orch builds on the peer shapes, interleaved: the A/B that docs/performance.md quotes.

    python3 bench/peers/ab.py --rounds 4 --mode inproc --shapes sleep_10,chain_20,light_400 --repeats 2 \\
        A=/work/binA/orch B=.build/release/orch

Each round runs `orch_driver.py --mode M --shapes S --repeats R --idle-seconds 0` once per build, the builds' order
alternating between rounds (A B, B A, ...), so drift of the machine falls on both. Prints, per shape, the median (and
min-max) over every run of each build of the figures orch_driver.py writes: hop p50 (ms, chains), overhead per task
(ms), tasks/s and CPU per task (ms: the whole system's CPU over the run, `cpu_s`, over its tasks; 10 ms
resolution a run); with --json, also every sample as a JSON line; with --split-first, each shape's first repeat
apart from its later ones (the first shape's first repeat is a fresh serve's first run, its helper just started).
`--env NAME:VAR=VALUE` (repeatable) gives one build's drivers an environment variable, so one build can be its own B
(a switch on and off). Removed homes wait in PEERS_TRASH (a folder under TMPDIR, emptied at the end), as under
run.py, so that deleting one home does not slow the next run's file creation; a PEERS_TRASH given in the
environment is used and kept, so that back-to-back A/Bs do not start right after a removal.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_driver(orch: str, mode: str, shapes: str, repeats: int, env: dict) -> list[dict]:
    cmd = [sys.executable, str(HERE / "orch_driver.py"), "--orch", orch, "--mode", mode, "--shapes", shapes,
           "--repeats", str(repeats), "--idle-seconds", "0"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    errors = [r for r in records if r.get("type") == "error"]
    if out.returncode != 0 or errors:
        sys.exit(f"ab: {orch} failed (rc={out.returncode}): {errors or out.stderr[-2000:]}")
    return with_cpu_per_task([r for r in records if r.get("type") == "sample"])


def with_cpu_per_task(samples: list[dict]) -> list[dict]:
    """Adds `cpu_per_task_ms`: the whole system's CPU over the run (`cpu_s`: its cgroup, or its processes) per
    task, to every sample that has both."""
    for s in samples:
        if s.get("cpu_s") is not None and s.get("tasks"):
            s["cpu_per_task_ms"] = s["cpu_s"] * 1000.0 / s["tasks"]
    return samples


FIGURES = [("hop_p50_s", "hop p50 (ms)", 1000.0), ("overhead_per_task_ms", "overhead per task (ms)", 1.0),
           ("tasks_per_s", "tasks/s", 1.0), ("cpu_per_task_ms", "CPU per task (ms)", 1.0)]


def summary(samples: dict[str, list[dict]], shapes: list[str]) -> str:
    names = list(samples)
    lines = ["| shape | figure | " + " | ".join(names) + " |", "| --- | --- |" + " ---: |" * len(names)]
    for shape in shapes:
        for key, label, scale in FIGURES:
            cells = []
            for name in names:
                values = [s[key] * scale for s in samples[name] if s.get("shape") == shape and s.get(key) is not None]
                if not values:
                    break
                cells.append(f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f}, n={len(values)})")
            if len(cells) == len(names):
                lines.append(f"| {shape} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("builds", nargs="+", help="NAME=/path/to/orch (a release build with its bundles beside it)")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--mode", choices=["proc", "inproc"], default="inproc")
    p.add_argument("--shapes", default="sleep_10,chain_20,light_400")
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--json", action="store_true", help="also print every sample as a JSON line")
    p.add_argument("--split-first", action="store_true", help="each shape's first repeat in a table of its own")
    p.add_argument("--env", action="append", default=[], metavar="NAME:VAR=VALUE",
                   help="an environment variable for one build's drivers (repeatable)")
    args = p.parse_args()
    builds = []
    for spec in args.builds:
        name, _, path = spec.partition("=")
        if not path or not os.access(path, os.X_OK):
            sys.exit(f"ab: '{spec}' is not NAME=/path/to/an/executable/orch")
        builds.append((name, os.path.abspath(path)))
    given_trash = os.environ.get("PEERS_TRASH")
    trash = given_trash or tempfile.mkdtemp(prefix="ab-trash-")
    env = dict(os.environ, PEERS_TRASH=trash)
    own_env: dict[str, dict[str, str]] = {name: {} for name, _ in builds}
    for spec in args.env:
        name, _, assignment = spec.partition(":")
        var, eq, value = assignment.partition("=")
        if name not in own_env or not var or not eq:
            sys.exit(f"ab: '--env {spec}' is not NAME:VAR=VALUE for one of the builds")
        own_env[name][var] = value
    samples: dict[str, list[dict]] = {name: [] for name, _ in builds}
    try:
        for r in range(args.rounds):
            order = builds if r % 2 == 0 else list(reversed(builds))
            for name, orch in order:
                got = run_driver(orch, args.mode, args.shapes, args.repeats, {**env, **own_env[name]})
                for s in got:
                    s["build"] = name
                    s["round"] = r + 1
                    if args.json:
                        print(json.dumps(s), flush=True)
                samples[name] += got
                print(f"ab: round {r + 1} {name}: {len(got)} samples", file=sys.stderr, flush=True)
    finally:
        if not given_trash:
            shutil.rmtree(trash, ignore_errors=True)
    shapes = [s for s in args.shapes.split(",") if s]
    print(f"{args.mode}, {args.rounds} rounds x {args.repeats} repeats, medians (min-max):")
    if args.split_first:
        print("first run of each driver:")
        print(summary({n: [s for s in v if s.get("repeat") == 1] for n, v in samples.items()}, shapes))
        print("later runs:")
        print(summary({n: [s for s in v if s.get("repeat") != 1] for n, v in samples.items()}, shapes))
    else:
        print(summary(samples, shapes))


if __name__ == "__main__":
    main()
