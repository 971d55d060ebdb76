"""Where a process-isolated chain hop goes, from a scheduler trace: the four parts of each hop, medians.

    # while `python3 bench/peers/orch_driver.py --orch <build>/orch --mode proc --shapes chain_20 --repeats 3000
    #   --idle-seconds 0` runs:
    perf sched record -a -o sched.data -- sleep 2
    python3 bench/peers/hop_parts.py sched.data <fork server pid>

Follows the wake-ups `perf sched timehist -w` lists, hop by hop: the fork server waking a new child (its fork),
that child's first wake-up of the server or of one of orch's threads (its end report), one of orch's threads
waking another (the reader handing the end to the engine), and one of orch's threads waking the server (the
next request). Prints, per part, the median over the hops whose wake-ups came in that order (a hop broken by
anything else is skipped): child (fork -> report), relay (report -> engine woken), engine (-> request),
server (request -> the next child woken). When the reader that read the end takes the engine's turn itself
(EngineTurnExecutor, since 2026-12-07), no thread of orch wakes another: relay is 0 and engine runs from the end's
wake-up to the request. orch's threads are named by the Swift runtime ("r-initiated-qos"); the
children and the server by the bundle ("orch-bench-dags"). Used in docs/performance.md; it reads only the trace.
"""
from __future__ import annotations

import re
import statistics
import subprocess
import sys

WAKE = re.compile(r"^\s*([\d.]+)\s+\[\d+\]\s+(.+?)\[(\d+)(?:/\d+)?\]\s+awakened: (.+?)\[(\d+)(?:/\d+)?\]")


def parts(lines: list[str], server: str) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {"child": [], "relay": [], "engine": [], "server": []}
    state, marks = None, {}
    is_orch = lambda name: name.startswith("r-initiated")
    for line in lines:
        m = WAKE.match(line)
        if not m:
            continue
        t, waker_name, waker, woken_name, woken = float(m[1]), m[2].strip(), m[3], m[4].strip(), m[5]
        if waker == server and woken_name.startswith("orch-bench-dags") and woken != server:   # a fork
            if state == "server":
                found["server"].append(t - marks["request"])
                for key in ("child", "relay", "engine"):
                    found[key].append(marks[key])
            state, marks = "child", {"fork": t, "pid": woken}
        elif state == "child" and waker == marks["pid"] and (woken == server or is_orch(woken_name)):
            marks["child"], marks["end"], state = t - marks["fork"], t, "relay"
        elif state == "relay" and is_orch(waker_name) and is_orch(woken_name):
            marks["relay"], marks["engine_woken"], state = t - marks["end"], t, "engine"
        elif state == "relay" and is_orch(waker_name) and woken == server:
            # The reader that read the end took the engine's turn itself (EngineTurnExecutor): no hand-off.
            marks["relay"], marks["engine"], marks["request"], state = 0.0, t - marks["end"], t, "server"
        elif state == "engine" and is_orch(waker_name) and woken == server:
            marks["engine"], marks["request"], state = t - marks["engine_woken"], t, "server"
    return found


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = subprocess.run(["perf", "sched", "timehist", "-i", sys.argv[1], "-w"], capture_output=True, text=True,
                         check=True).stdout
    for name, values in parts(out.splitlines(), sys.argv[2]).items():
        if values:
            print(f"{name:7s} n={len(values):5d} p50={statistics.median(values) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
