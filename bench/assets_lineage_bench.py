#!/usr/bin/env python3
"""The Assets page with 500 synthetic assets in headless Chromium (issue 14): time from navigating to #/assets until
every node of the lineage graph is in the DOM and a frame has been painted, measured in the page with
performance.now(); median of REPEATS navigations (after one warm-up). Prints the figures and writes them as JSON.

    python3 bench/assets_lineage_bench.py [ORCH_BIN] [--assets 500] [--repeats 7]

Uses tests-browser/.venv (selenium; made by tests-browser/run.sh). The synthetic lineage has five layers
(topics 10 %, bronze 10 %, silver 20 %, gold 40 %, reports 20 %); each synthetic task reads three assets of the
layer before and writes two; every asset gets one materialization with a row count. It is written straight into the
state database of a temp ORCH_HOME that `orch serve` (which also syncs the real DAGs' assets) serves.
"""
import json
import os
import pathlib
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

repo = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(repo / "tests-browser"))
os.environ.setdefault("ORCH_URL", "http://unused")
os.environ.setdefault("ORCH_API_TOKEN", "unused")
from test_dashboard import start_chromium  # noqa: E402

args = [a for a in sys.argv[1:] if not a.startswith("--")]
opts = dict(zip(sys.argv[1::2], sys.argv[2::2]))
orch = args[0] if args else str(repo / ".build/debug/orch")
n_assets = int(opts.get("--assets", 500))
repeats = int(opts.get("--repeats", 7))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


def seed(db_path, n):
    rng = random.Random(14)
    shares = [("topic", 0.1), ("bronze", 0.1), ("silver", 0.2), ("gold", 0.4), ("report", 0.2)]
    layers, now = [], time.time()
    db = sqlite3.connect(db_path, timeout=30)
    next_id = (db.execute("SELECT coalesce(max(id), 0) FROM asset").fetchone()[0]) + 1
    for name, share in shares:
        ids = []
        for i in range(max(1, round(n * share))):
            db.execute("INSERT INTO asset (id, uri, created_at) VALUES (?, ?, ?)", (next_id, f"synthetic://{name}/t{i:04d}", now))
            ids.append(next_id)
            next_id += 1
        layers.append((name, ids))
    for li, (name, ids) in enumerate(layers):
        for k in range(0, len(ids), 2):
            dag, task = f"synthetic_{name}", f"build_{k // 2:04d}"
            for out in ids[k:k + 2]:
                db.execute("INSERT INTO asset_reference VALUES (?, ?, ?, 'outlet')", (out, dag, task))
            if li:
                for src in rng.sample(layers[li - 1][1], min(3, len(layers[li - 1][1]))):
                    db.execute("INSERT OR IGNORE INTO asset_reference VALUES (?, ?, ?, 'inlet')", (src, dag, task))
        for a in ids:
            db.execute("""INSERT INTO asset_event (asset_id, dag_id, run_id, task_id, try_number, interval_start,
                          interval_end, created_at, rows_written, metadata) VALUES (?, 'synthetic', 'r1', 't', 1, ?, ?, ?, ?, '{}')""",
                       (a, now - 86400, now, now - rng.randint(0, 40 * 3600), rng.randint(0, 10**6)))
    db.commit()
    return sum(len(ids) for _, ids in layers)


def main():
    home = tempfile.mkdtemp(prefix="orch-assets-bench-")
    port = free_port()
    env = dict(os.environ, ORCH_HOME=home, ORCH_API_TOKEN="bench-token")
    server = subprocess.Popen([orch, "serve", "--port", str(port), "--slots", "1"], cwd=repo, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/api/v1/health", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        synthetic = seed(os.path.join(home, "orch.db"), n_assets)
        total = len(json.loads(urllib.request.urlopen(url + "/api/v1/assets", timeout=30).read())["assets"])
        t0 = time.perf_counter()
        urllib.request.urlopen(url + "/api/v1/assets", timeout=30).read()
        api_ms = (time.perf_counter() - t0) * 1000
        driver = start_chromium(height=1000)
        times = []
        try:
            driver.set_script_timeout(60)
            for i in range(repeats + 1):
                driver.get(url + "/#/runs")
                time.sleep(0.3)
                ms = driver.execute_async_script("""
                    const [total, done] = arguments;
                    const t0 = performance.now();
                    location.hash = '#/assets';
                    const poll = () => {
                      if (document.querySelectorAll('#lineage-svg .asset-node').length === total) {
                        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
                      } else setTimeout(poll, 2);
                    };
                    poll();""", total)
                if i:
                    times.append(ms)   # the first navigation warms the module cache
        finally:
            driver.quit()
        result = {"synthetic_assets": synthetic, "assets_drawn": total, "repeats": repeats,
                  "render_ms_median": round(statistics.median(times), 1), "render_ms_all": [round(t, 1) for t in times],
                  "api_assets_ms_one_request": round(api_ms, 1), "load_average": os.getloadavg()[0]}
        print(json.dumps(result, indent=1))
        out = repo / "bench/out"
        out.mkdir(exist_ok=True)
        (out / "assets_lineage.json").write_text(json.dumps(result, indent=1) + "\n")
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["rm", "-rf", home])


if __name__ == "__main__":
    main()
