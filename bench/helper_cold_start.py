#!/usr/bin/env python3
"""What a retired bundle helper costs the next run: trigger to first task start with the helper warm and after it
was stopped for idleness (ORCH_HELPER_IDLE_SECONDS), alternated on one `orch serve`.

    python3 bench/helper_cold_start.py [--orch .build/release/orch] [--mode proc|inproc] [--rounds 7] [--idle 2]

Starts `orch serve` as the peer benchmark does (bench/peers/orch_driver.py: a fresh ORCH_HOME, the benchmark
bundle, 2 slots, the REST API, one untimed warm-up run) with ORCH_HELPER_IDLE_SECONDS=--idle. Per round: one run of
the peer `trigger` shape (one no-op task) right after the previous run ended (warm: the fork server, or the task
host with --mode inproc, is up), then a wait of --idle + 2 s, a check that serve has no helper child left, and one
more run (cold: the run's first attempt starts the helper). Each figure is the time from the trigger call to the
task's own start stamp, as the peer benchmark's trigger shape reports it. Prints both medians (with min-max) and
their difference, in ms. The idle time itself changes nothing in what is measured: a short one keeps the wait short.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))
from driver import measure  # noqa: E402 (bench/peers/driver.py)
from idle_memory import children  # noqa: E402 (bench/idle_memory.py)
from orch_driver import OrchSystem  # noqa: E402
from shapes import SHAPES  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orch", default=".build/release/orch")
    ap.add_argument("--mode", choices=["proc", "inproc"], default="proc")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--idle", type=float, default=2.0, help="ORCH_HELPER_IDLE_SECONDS of the serve (seconds)")
    a = ap.parse_args()
    if a.rounds < 1 or a.idle <= 0:
        ap.error("--rounds must be at least 1 and --idle above 0")
    os.environ["ORCH_HELPER_IDLE_SECONDS"] = str(a.idle)
    system = OrchSystem(argparse.Namespace(orch=a.orch, mode=a.mode, trigger="api", scale="small"))
    shape = SHAPES["trigger"]
    warm, cold = [], []
    with system:
        for i in range(a.rounds):
            warm.append(measure(system, shape, "small", 60)["trigger_to_first_start_s"] * 1000)
            time.sleep(a.idle + 2)
            left = children(system.proc.pid)
            if left:
                sys.exit(f"round {i + 1}: serve still has helper children {left} after {a.idle + 2:.1f} s idle")
            cold.append(measure(system, shape, "small", 60)["trigger_to_first_start_s"] * 1000)
            print(f"round {i + 1}: warm {warm[-1]:.1f} ms, cold {cold[-1]:.1f} ms", file=sys.stderr, flush=True)

    def line(name, values):
        return f"| {name} | {statistics.median(values):.1f} | {min(values):.1f}–{max(values):.1f} |"
    print(f"trigger to first task start, orch-{a.mode}, {a.rounds} rounds (ms)\n")
    print("| helper | median | min–max |\n| --- | ---: | ---: |")
    print(line("warm (up since the previous run)", warm))
    print(line(f"cold (stopped after {a.idle:g} s idle)", cold))
    print(f"\ncold - warm, medians: {statistics.median(cold) - statistics.median(warm):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
