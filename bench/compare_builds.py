"""Two builds of orch side by side, interleaved: the 1,000-task fan-outs' tasks/s and the 100-task chains' hop p50
(body to body, from the `bench-body-start` stamps the chain bodies log, and from the engine's recorded end to the
next recorded start), for `--base` and `--new`.

Made to measure issue 17's baseline (021cb7c, whose DAGs are compiled into `orch` and whose chain bodies log
nothing) against today's build:

    git worktree add /tmp/base021 021cb7c && (cd /tmp/base021 && git apply $PWD/bench/baseline-021cb7c-stamps.patch \\
        && swift build -c release --product orch)
    python3 bench/compare_builds.py --base /tmp/base021/.build/release/orch --base-dir /tmp/base021 \\
        --new .build/release/orch --repeats 5

A build with DAG bundles gets the bundle executables beside its binary (bench/bundles.py); one without ignores
ORCH_BUNDLES. Each build runs in its own directory (`--base-dir`, `--new-dir`: where its migrations are found).
"""
import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundles import bundles_env  # noqa: E402


def run(orch, cwd, dag, slots):
    home = tempfile.mkdtemp(prefix="orch-compare-")
    env = dict(os.environ, ORCH_HOME=home, ORCH_WORKER_SLOTS=str(slots), **bundles_env(orch))
    try:
        subprocess.run([orch, "dags", "list"], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r = subprocess.run([orch, "run", dag, "--quiet"], env=env, cwd=cwd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{orch} run {dag} failed: {r.stderr.strip()[:500]}")
        db = sqlite3.connect(os.path.join(home, "orch.db"))
        attempts = db.execute("SELECT task_id, log_path, start_date, end_date FROM task_attempt").fetchall()
        run_start, run_end = db.execute("SELECT start_date, end_date FROM dag_run").fetchone()
        db.close()
        if "fanout" in dag:
            return len(attempts) / (run_end - run_start)
        body, recorded = {}, {}
        for task, path, start, end in attempts:
            full = path if os.path.isabs(path) else os.path.join(home, path)
            m = re.search(r"bench-body-start (\d+\.\d+)", open(full, errors="replace").read())
            if not m:
                sys.exit(f"{orch}: {dag}'s task {task} logged no bench-body-start stamp (apply the stamps patch)")
            body[task], recorded[task] = float(m.group(1)), (start, end)
        chain = [f"c{i}" for i in range(1, len(attempts) + 1)]
        hops = [(body[b] - body[a]) * 1000 for a, b in zip(chain, chain[1:])]
        recorded_hops = [(recorded[b][0] - recorded[a][1]) * 1000 for a, b in zip(chain, chain[1:])]
        return statistics.median(hops), statistics.median(recorded_hops)
    finally:
        subprocess.run(["rm", "-rf", home])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--base-dir", default=".")
    ap.add_argument("--new", default=".build/release/orch")
    ap.add_argument("--new-dir", default=".")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--slots", type=int, default=2)
    a = ap.parse_args()
    builds = (("base", os.path.abspath(a.base), a.base_dir), ("new", os.path.abspath(a.new), a.new_dir))
    results = {}
    for _ in range(a.repeats):
        for name, orch, cwd in builds:
            for mode in ("inprocess", "process"):
                results.setdefault((name, f"fanout_1000_{mode}"), []).append(run(orch, cwd, f"bench_fanout_1000_{mode}", a.slots))
                results.setdefault((name, f"chain_100_{mode}"), []).append(run(orch, cwd, f"bench_chain_100_{mode}", a.slots))
    print(f"{a.slots} worker slots, {a.repeats} interleaved runs per build; median (min-max)")
    for (name, shape), values in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if shape.startswith("fanout"):
            print(f"{shape:24} {name:5} tasks/s {statistics.median(values):8.0f} ({min(values):.0f}-{max(values):.0f})")
        else:
            body = [v[0] for v in values]
            recorded = statistics.median(v[1] for v in values)
            print(f"{shape:24} {name:5} hop p50 body to body (ms) {statistics.median(body):6.2f} "
                  f"({min(body):.2f}-{max(body):.2f}); recorded end to next start {recorded:.3f}")


if __name__ == "__main__":
    main()
