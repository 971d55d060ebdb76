#!/usr/bin/env python3
"""Memory of an idle `orch serve` after a few runs, per process, for one or more builds alternated.

    python3 bench/idle_memory.py [--rounds 3] [--dag peer_fanout_100_proc] [--runs 3] [--settle 12] BUILD_DIR...

BUILD_DIR holds `orch` and the three repository bundle executables beside it (orch-dags, orch-test-dags,
orch-bench-dags), as `.build/release` does after `swift build -c release` of each product; a build of an older
commit comes from a worktree. Per round and build: a fresh ORCH_HOME, `orch dags list`, the scheduled DAGs paused,
`orch serve` on a free loopback port, `--runs` runs of `--dag` through the REST API one second apart, `--settle`
seconds, then /proc/PID/smaps_rollup of serve and of each of its children (the bundle's fork server or task host).
Prints the medians (kB) per build: RSS, PSS and anonymous memory of serve, of its helpers, and PSS of the whole.

    python3 bench/idle_memory.py --per-task [--rounds 3] BUILD_DIR...

measures instead what serve holds per loaded task: per round and build, an idle serve (no runs) with only the
orch-dags bundle loaded and one with all three, and the difference of each figure divided by the difference of
their task counts (from each bundle's `describe`), in bytes.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from bundles import NAMES as BUNDLES  # noqa: E402 (bench/bundles.py)
from driver import wait_http  # noqa: E402 (bench/peers/driver.py)
from orch_driver import SCHEDULED_DAGS, free_port  # noqa: E402


def rollup(pid: int) -> dict[str, int]:
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss", "Anonymous"):
                fields[name.lower()] = int(rest.split()[0])
    return fields


def children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found += [int(c) for c in f.read().split()]
    return found


def task_count(build: str, bundles: list[str]) -> int:
    count = 0
    for b in bundles:
        manifest = subprocess.run([os.path.join(build, b), "describe"], check=True, capture_output=True).stdout
        count += sum(len(d["tasks"]) for d in json.loads(manifest)["dags"])
    return count


def measure(build: str, dag: str, runs: int, settle: float, bundles: list[str] = BUNDLES) -> dict[str, int]:
    orch = os.path.join(build, "orch")
    home = tempfile.mkdtemp(prefix="orch-idle-")
    token, port = secrets.token_hex(16), free_port()
    env = dict(os.environ, ORCH_HOME=home, ORCH_WORKER_SLOTS="2", ORCH_API_TOKEN=token,
               ORCH_BUNDLES=":".join(os.path.join(build, b) for b in bundles))
    env.pop("ORCH_ALERT_WEBHOOKS", None)
    subprocess.run([orch, "dags", "list"], env=env, check=True, capture_output=True)
    for d in SCHEDULED_DAGS:
        subprocess.run([orch, "dags", "pause", d], env=env, capture_output=True)
    serve = subprocess.Popen([orch, "serve", "--port", str(port)], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/v1/health", [serve], time.time() + 60,
                  f"orch serve of {build} (ORCH_HOME {home})", poll=0.05)
        for i in range(runs):
            body = json.dumps({"dag_run_id": f"idle_{i}", "logical_date": f"2024-01-{i + 1:02d}T00:00:00Z"}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v2/dags/{dag}/dagRuns", data=body,
                                             method="POST", headers={"Content-Type": "application/json",
                                                                     "Authorization": f"Bearer {token}"})
            urllib.request.urlopen(request, timeout=30).read()
            time.sleep(1)
        time.sleep(settle)
        figures = {f"serve_{k}": v for k, v in rollup(serve.pid).items()}
        helpers = [rollup(c) for c in children(serve.pid)]
        for k in ("rss", "pss", "anonymous"):
            figures[f"helpers_{k}"] = sum(h[k] for h in helpers)
        figures["helpers"] = len(helpers)
        figures["total_pss"] = figures["serve_pss"] + figures["helpers_pss"]
        return figures
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("builds", nargs="+", help="folders with orch and the bundle executables")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dag", default="peer_fanout_100_proc")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--settle", type=float, default=12)
    ap.add_argument("--per-task", action="store_true", help="serve's memory per loaded task instead")
    a = ap.parse_args()
    if a.per_task:
        per_task(a.builds, a.rounds, a.settle)
        return
    samples: dict[str, list[dict[str, int]]] = {b: [] for b in a.builds}
    for r in range(a.rounds):
        for b in a.builds:
            samples[b].append(measure(b, a.dag, a.runs, a.settle))
            print(f"round {r + 1} {b}: {samples[b][-1]}", flush=True)
    print_medians(f"medians over {a.rounds} rounds, kB ({a.dag}, {a.runs} runs, {a.settle:.0f} s settled)", samples)


def print_medians(title: str, samples: dict[str, list[dict]]) -> None:
    """A markdown table: a row per figure, a column per build, each cell the median of its rounds."""
    builds = list(samples)
    print(f"\n{title}\n")
    print("| figure | " + " | ".join(builds) + " |")
    print("| --- |" + " ---: |" * len(builds))
    for k in samples[builds[0]][0]:
        print(f"| {k} | " + " | ".join(f"{statistics.median(s[k] for s in samples[b]):,.0f}" for b in builds) + " |")


def per_task(builds: list[str], rounds: int, settle: float) -> None:
    few, many = ["orch-dags"], list(BUNDLES)
    tasks = {b: task_count(b, many) - task_count(b, few) for b in builds}
    samples: dict[str, list[dict[str, float]]] = {b: [] for b in builds}
    for r in range(rounds):
        for b in builds:
            small, large = measure(b, "", 0, settle, few), measure(b, "", 0, settle, many)
            samples[b].append({k: (large[k] - small[k]) * 1024 / tasks[b] for k in ("serve_rss", "serve_pss",
                                                                                   "serve_anonymous")})
            print(f"round {r + 1} {b}: {samples[b][-1]} ({tasks[b]} tasks more)", flush=True)
    print_medians(f"serve's bytes per loaded task, medians over {rounds} rounds", samples)


if __name__ == "__main__":
    main()
