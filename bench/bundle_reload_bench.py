#!/usr/bin/env python3
"""DAG bundles (issue 13): CLI latency with and without the manifest cache, and hot-reload latency.

  cli_<cmd>_<cached|uncached>_<wall|cpu>_ms: wall time and CPU time (user + system, `describe` children
      included) of `orch <cmd>` (median of N), the repository's three bundle executables
      loaded; uncached = ORCH_MANIFEST_CACHE=0 (every bundle described, every executable hashed, as before the cache).
  reload_executable: a running `orch scheduler` whose bundle is an executable file; the file is replaced by one
      describing another DAG version; time until the new version is the DAG's current one in the state database
      (poll interval ORCH_BUNDLE_POLL as given).
  reload_package: the same for a package folder (a tiny package without dependencies): time from saving the
      one-line change to the new version, and the `nice -n 10 swift build -c release` time (as the scheduler builds) of
      such a change measured alone, the scheduler stopped; and the time from save to visible minus the scheduler's
      own build of that change (its log line `swift build of … took X s`): what happens after the build ends.

Usage: bench/bundle_reload_bench.py [path/to/orch] [--runs N] [--steps cli,exe,pkg]
"""
import json, os, resource, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundles import bundles_env  # noqa: E402

ORCH = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else ".build/release/orch")
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 10


def env(home, extra=None):
    e = dict(os.environ)
    e.update(bundles_env(ORCH))
    e["ORCH_HOME"] = home
    e.update(extra or {})
    return e


def timed(args, e):
    """(wall seconds, CPU seconds of the command and its children: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([ORCH] + args, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_latency():
    out = {}
    for cmd in (["dags", "list"], ["runs", "list", "example_shell"]):
        for mode in ("uncached", "cached"):
            home = tempfile.mkdtemp(prefix="orch-bench-cli-")
            e = env(home, {"ORCH_MANIFEST_CACHE": "0" if mode == "uncached" else "1"})
            timed(cmd, e)  # creates the database (and fills the cache)
            samples = [timed(cmd, e) for _ in range(RUNS)]
            name = f"cli_{'_'.join(cmd[:2])}_{mode}"
            out[name + "_wall_ms"] = round(statistics.median(w for w, _ in samples) * 1000, 1)
            out[name + "_cpu_ms"] = round(statistics.median(c for _, c in samples) * 1000, 1)
            shutil.rmtree(home, ignore_errors=True)
    return out


def manifest(extra_task):
    exe = bundles_env(ORCH)["ORCH_BUNDLES"].split(":")[0]
    m = json.loads(subprocess.run([exe, "describe"], capture_output=True, check=True).stdout)
    dag = next(d for d in m["dags"] if d["id"] == "example_shell")
    dag["id"] = "hot"
    if extra_task:
        t = dict(dag["tasks"][0]); t["id"] = extra_task; dag["tasks"].append(t)
    m["dags"], m["dashboards"] = [dag], []
    return json.dumps(m, sort_keys=True)


def current_version(db):
    # Read-only and only once orch made it: a connection that creates the file would leave orch an empty one.
    if not os.path.exists(db):
        return None
    c = None
    try:
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        row = c.execute("SELECT version FROM dag WHERE dag_id = 'hot'").fetchone()
        return row[0] if row else None
    except sqlite3.Error:
        return None
    finally:
        if c is not None:
            c.close()


def wait_change(db, old, deadline_s=600):
    start = time.perf_counter()
    while time.perf_counter() - start < deadline_s:
        v = current_version(db)
        if v and v != old:
            return time.perf_counter() - start
        time.sleep(0.01)
    raise RuntimeError("no new version within the deadline")


def start_scheduler(home, bundle, poll):
    e = env(home, {"ORCH_BUNDLE_POLL": str(poll), "ORCH_FORK_SERVER": "0"})
    log = open(os.path.join(home, "scheduler.log"), "w")
    return subprocess.Popen([ORCH, "scheduler", "--log-level", "info", "--bundle", bundle], env=e, stdout=log, stderr=log)


def build_times(home):
    """The durations of the scheduler's own `swift build` runs, from its log (`swift build of … took X s`)."""
    with open(os.path.join(home, "scheduler.log")) as f:
        return [float(line.rsplit(" took ", 1)[1].split(" s")[0]) for line in f if "swift build of" in line]


def write_script(path, text):
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write("#!/bin/sh\ncat <<'MANIFEST'\n" + text + "\nMANIFEST\n")
    os.chmod(tmp, 0o755)
    os.rename(tmp, path)


def reload_executable(poll):
    home = tempfile.mkdtemp(prefix="orch-bench-reload-")
    db = os.path.join(home, "orch.db")
    exe = os.path.join(home, "bundle.sh")
    samples = []
    write_script(exe, manifest(None))
    p = start_scheduler(home, exe, poll)
    try:
        wait_change(db, None, 300)
        for i in range(RUNS):
            old = current_version(db)
            write_script(exe, manifest(f"added_{i}"))
            samples.append(wait_change(db, old))
    finally:
        p.terminate(); p.wait()
        shutil.rmtree(home, ignore_errors=True)
    return {f"reload_executable_poll_{poll}s_p50_ms": round(statistics.median(samples) * 1000, 1),
            f"reload_executable_poll_{poll}s_max_ms": round(max(samples) * 1000, 1)}


def reload_package(poll):
    home = tempfile.mkdtemp(prefix="orch-bench-reload-pkg-")
    db = os.path.join(home, "orch.db")
    pkg = os.path.join(home, "hotpkg")
    os.makedirs(os.path.join(pkg, "Sources/hot"))
    with open(os.path.join(pkg, "Package.swift"), "w") as f:
        f.write('// swift-tools-version:6.0\nimport PackageDescription\n'
                'let package = Package(name: "hot", targets: [.executableTarget(name: "hot")])\n')
    main = os.path.join(pkg, "Sources/hot/main.swift")

    def save(extra):
        with open(main, "w") as f:
            f.write('print(#"' + manifest(extra) + '"#)\n')

    save(None)
    p = start_scheduler(home, pkg, poll)
    out = {}
    try:
        wait_change(db, None, 600)
        visible, builds, after_build = [], [], []
        for i in range(3):
            old = current_version(db)
            save(f"added_{i}")
            visible.append(wait_change(db, old))
            # Its build as the scheduler measured it: the rest is the poll, describe, recording, the reload.
            after_build.append(visible[-1] - build_times(home)[-1])
        # The build of one such change alone (what the scheduler waited for), the scheduler stopped.
        p.terminate(); p.wait()
        for i in range(3):
            save(f"alone_{i}")
            t = time.perf_counter()
            subprocess.run(["nice", "-n", "10", "swift", "build", "-c", "release", "--product", "hot"], cwd=pkg, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            builds.append(time.perf_counter() - t)
        out["reload_package_visible_p50_s"] = round(statistics.median(visible), 2)
        out["reload_package_visible_after_its_build_p50_ms"] = round(statistics.median(after_build) * 1000, 1)
        out["reload_package_visible_after_its_build_max_ms"] = round(max(after_build) * 1000, 1)
        out["reload_package_incremental_build_p50_s"] = round(statistics.median(builds), 2)
    finally:
        p.terminate(); p.wait()
        shutil.rmtree(home, ignore_errors=True)
    return out


if __name__ == "__main__":
    steps = {"cli": cli_latency, "exe": lambda: (reload_executable(1.0) | reload_executable(0.1)),
             "pkg": lambda: reload_package(0.2)}
    chosen = sys.argv[sys.argv.index("--steps") + 1].split(",") if "--steps" in sys.argv else list(steps)
    results = {}
    for name in chosen:
        results.update(steps[name]())
        print(json.dumps(results), file=sys.stderr, flush=True)
    print(json.dumps(results, indent=1))
