#!/usr/bin/env python3
"""`make bench-peers`: orch against Prefect 3, Dagster, Luigi and Airflow 3 and against the machine's floors, on the
shapes of bench/peers/shapes.py, interleaved, into one report (bench/out/peers.md + SVG charts).

    python3 bench/peers/run.py [--systems all|LIST] [--shapes all|LIST] [--scale full|small] [--repeats 3]
                               [--idle-seconds 60] [--run-timeout 1800] [--skip-setup] [--orch PATH] [--resume]

Steps: installs the peers into their own venvs (bench/peers/setup.sh, idempotent; --skip-setup to skip), builds the
release orch (unless --orch), starts PostgreSQL (Airflow's metadata DB), then for each repeat runs every system once
over all the shapes, one system at a time (each driver starts its system in a fresh home, runs the shapes, measures
it idle, stops it), in an order rotated every repeat, so load drift on the machine hits every system; no system runs
while another is measured. Raw JSON lines: bench/out/peers/samples.jsonl; logs: bench/out/peers/logs/. The machine
and its load (`uptime`) at the start and the end go into the report.

A full run takes longer than one sitting (Airflow and Dagster's multiprocess executor need 1–2 s per task here):
--resume carries on a run that stopped, with the same options, the same code and the same peers (`fingerprint`: the
harness files that measure, orch's source as git names it with the toolchain and resolved packages, each peer venv's
`pip freeze`, which a new run writes to <out>/venvs/), from the step it had not finished. Progress is kept in
<out>/peers/machine.json after every step; of a step cut short, the shapes whose line was written are kept and only
the others run again (a line cut mid-way is dropped), and the report lists each part with its machine and load. With --out in the repository (bench/results/…), the progress
can be committed and carried on in another sitting on a fresh machine of the same kind.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.append(str(HERE.parent))
from bundles import bundles_env  # noqa: E402 (bench/bundles.py: the bundles the orch driver loads)
from shapes import parse_shapes  # noqa: E402
from file_create import settle  # noqa: E402

TRASH_ENV = "PEERS_TRASH"  # driver.discard: stopped systems' homes wait there until the run has ended

PY = sys.executable


def commands(orch: str) -> dict[str, list[str]]:
    return {
        "orch-proc": [PY, str(HERE / "orch_driver.py"), "--orch", orch, "--mode", "proc"],
        "orch-inproc": [PY, str(HERE / "orch_driver.py"), "--orch", orch, "--mode", "inproc"],
        "orch-test": [PY, str(HERE / "orch_test_driver.py"), "--orch", orch],
        "prefect": [PY, str(HERE / "prefect_driver.py")],
        "dagster": [PY, str(HERE / "dagster_driver.py"), "--mode", "daemon"],
        "dagster-inprocess": [PY, str(HERE / "dagster_driver.py"), "--mode", "in-process"],
        "luigi": [PY, str(HERE / "luigi_driver.py")],
        "airflow": [PY, str(HERE / "airflow_driver.py")],
        "floor-spawn": [PY, str(HERE / "floors.py"), "--mode", "spawn"],
        "floor-forked": [PY, str(HERE / "floors.py"), "--mode", "forked"],
        "floor-fsync": [PY, str(HERE / "floors.py"), "--mode", "fsync"],
        "floor-isolated": [PY, str(HERE / "floors.py"), "--mode", "isolated"],
        "floor-batched": [PY, str(HERE / "floors.py"), "--mode", "batched"],
    }


SETUP_NAME = {"prefect": "prefect", "dagster": "dagster", "dagster-inprocess": "dagster", "luigi": "luigi",
              "airflow": "airflow"}


def log(msg: str) -> None:
    print(f"bench-peers [{time.strftime('%H:%M:%S')}]: {msg}", file=sys.stderr, flush=True)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--systems", default="all", help="'all' or a comma-separated list of: " + ", ".join(commands("")))
    ap.add_argument("--shapes", default="all")
    ap.add_argument("--scale", choices=["full", "small"], default="full")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--idle-seconds", type=float, default=60)
    ap.add_argument("--run-timeout", type=float, default=1800, help="seconds one run of one shape may take")
    ap.add_argument("--skip-setup", action="store_true")
    ap.add_argument("--orch", help="an orch release binary (default: build one)")
    ap.add_argument("--out", type=Path, default=REPO / "bench/out")
    ap.add_argument("--resume", action="store_true", help="carry on the run in --out that stopped (same options)")
    ap.add_argument("--settle-create-us", type=float, default=50,
                    help="before measuring, wait (at most 330 s) until creating a file under TMPDIR takes at most "
                         "this many microseconds (p50); 0: probe once, never wait")
    a = ap.parse_args(argv)
    known = commands("")
    a.system_list = list(known) if a.systems == "all" else [s.strip() for s in a.systems.split(",") if s.strip()]
    unknown = [s for s in a.system_list if s not in known]
    if unknown or not a.system_list:
        ap.error(f"unknown system(s) {unknown or a.systems!r}; known: {', '.join(known)} or 'all'")
    if a.repeats < 1:
        ap.error("--repeats must be at least 1")
    if a.idle_seconds < 0 or a.run_timeout <= 0:
        ap.error("--idle-seconds must be >= 0 and --run-timeout > 0")
    try:
        a.shape_list = parse_shapes(a.shapes)
    except ValueError as e:
        ap.error(str(e))
    return a


RESUME_KEYS = ("system_list", "shapes", "scale", "repeats", "idle_seconds", "run_timeout")


# What orch's binary and the bundle executables its driver loads are built from (Package.swift's target paths, the
# migrations and the dashboard they serve).
ORCH_SOURCES = ("Package.swift", "Sources", "dags", "bench/dags", "Tests/Bundles", "migrations", "web")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


def sha256_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.name).encode() + b"\0")
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def orch_source() -> dict | str:
    """orch's code as git names it — the tree of each of ORCH_SOURCES at HEAD, the resolved package versions, the Swift
    toolchain — so that a part in a later sitting, built again on a fresh machine, measures the same program; a
    message instead when those paths have uncommitted changes (the binary would not be what the trees say)."""
    try:
        dirty = git("status", "--porcelain", "--", *ORCH_SOURCES)
        trees = dict(zip(ORCH_SOURCES, git("rev-parse", *(f"HEAD:{p}" for p in ORCH_SOURCES)).splitlines()))
    except (OSError, subprocess.CalledProcessError) as e:
        return f"orch's source is not a git checkout ({e}): a run in parts cannot name the code it measures"
    if dirty:
        return "orch's source has uncommitted changes, so the binary is not what git names:\n" + dirty
    resolved = REPO / "Package.resolved"
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()
    return {"trees": trees, "resolved": sha256_files([resolved]) if resolved.is_file() else None,
            "swift": swift[0] if swift else None}


def peer_venvs(systems: list[str]) -> list[str]:
    """The peer venvs (.venv-NAME, made by bench/peers/setup.sh) the systems run in."""
    return sorted({SETUP_NAME[s] for s in systems if s in SETUP_NAME})


def peer_freezes(systems: list[str]) -> dict[str, str | None]:
    """`pip freeze` of each peer venv the systems use: every installed package with its version (None: no venv)."""
    freezes = {}
    for name in peer_venvs(systems):
        pip = REPO / f".venv-{name}/bin/pip"
        r = subprocess.run([str(pip), "freeze"], capture_output=True, text=True) if pip.exists() else None
        freezes[name] = r.stdout if r and r.returncode == 0 else None
    return freezes


def write_freezes(out: Path, freezes: dict[str, str | None]) -> None:
    """<out>/venvs/NAME.txt: the freezes a new run starts with, so that a later sitting on a fresh machine installs the
    same packages (`pip install -r`) and --resume accepts them."""
    (out / "venvs").mkdir(parents=True, exist_ok=True)
    for name, freeze in freezes.items():
        if freeze is not None:
            (out / "venvs" / f"{name}.txt").write_text(freeze)


# The harness files that shape a measurement: every driver with what it imports (the shapes, the Dagster definitions,
# Prefect's runner, Luigi's tasks, the floor's Swift source, the Airflow DAGs, bench/airflow/run.py and
# bench/bundles.py). Not these: they orchestrate, install or report, and a fix to them must not cost a run in parts.
NOT_MEASURING = {"run.py", "report.py", "comparisons.py", "targets.py", "otherwork.py", "setup.sh",
                 "run-tests.sh", "test_peers.py"}


def measuring_files() -> list[Path]:
    files = sorted(p for p in HERE.rglob("*") if p.is_file() and p.suffix in (".py", ".sh", ".swift")
                   and p.name not in NOT_MEASURING and "__pycache__" not in p.parts)
    return files + [REPO / "bench/airflow/run.py", REPO / "bench/bundles.py"]


def fingerprint(orch: str | None, freezes: dict[str, str | None]) -> dict | str:
    """What a resumed run must still measure with: sha256 of the harness files that measure (`measuring_files`),
    orch's source (`orch_source`, when an orch system runs) and of each peer venv's freeze. A run carried on with other
    code would mix two versions in one table; a message when orch's source cannot be named."""
    peers = {name: hashlib.sha256(f.encode()).hexdigest() if f is not None else None for name, f in freezes.items()}
    code = {"harness": sha256_files(measuring_files()), "orch": None, "peers": peers}
    if orch:
        code["orch"] = orch_source()
        if isinstance(code["orch"], str):
            return code["orch"]
    return code


def executables_sha256(orch: str | None) -> str | None:
    """sha256 of orch's binary and its bundle executables: kept per part, for the record (a fresh machine builds
    other bytes from the same source)."""
    if not orch:
        return None
    executables = [Path(orch)] + [Path(b) for b in bundles_env(orch)["ORCH_BUNDLES"].split(":")]
    return sha256_files([e for e in executables if e.is_file()])


def run_key(a: argparse.Namespace) -> dict:
    """The options a resumed run must share with the run it carries on."""
    return {k: getattr(a, k) for k in RESUME_KEYS}


def machine_name() -> str:
    return subprocess.run(["bash", "-c", "echo \"$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | "
                           "sed 's/^ *//')), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr)\""],
                          capture_output=True, text=True).stdout.strip()


def kept_of_cut_step(samples: Path, running: dict, shapes: list[str],
                     idle_seconds: float) -> tuple[int, set[str], bool]:
    """Of the step cut short (`running`): the byte offset where its whole lines end, the shapes they finished, and
    whether the step is over (its idle line written, or a run over --run-timeout ended it: the driver then writes
    "not run" for the rest and measures no idle)."""
    offset, done, over = running["offset"], set(running.get("shapes_done", [])), False
    with open(samples, "rb") as f:
        f.seek(offset)
        for raw in f.read().splitlines(keepends=True):
            try:
                record = json.loads(raw) if raw.endswith(b"\n") else None
            except ValueError:
                record = None
            if not isinstance(record, dict) or record.get("system") != running["system"]:
                break   # a line cut mid-way (the machine stopped while it was written): it and what follows go
            offset += len(raw)
            if record.get("type") == "idle":
                over = True
            elif record.get("shape") in shapes:
                done.add(record["shape"])
                error = str(record.get("error", ""))   # a run over --run-timeout ends the step (driver.run_all)
                over = over or error.startswith("TimeoutError") or "did not finish within --run-timeout" in error
    return offset, done, over or (done >= set(shapes) and idle_seconds == 0)


def start_or_resume(a: argparse.Namespace, out: Path, argv: list[str] | None, code: dict,
                    executables: str | None) -> dict | str:
    """The run's progress record (machine.json): a new one, or the stopped run's, its cut step's finished shapes kept
    (`kept_of_cut_step`) and the rest of its samples dropped. A message instead, before anything is changed, when
    --resume finds nothing to carry on, other options or other code (`fingerprint`)."""
    samples, record = out / "samples.jsonl", out / "machine.json"
    part = {"uptime_start": uptime(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": machine_name(), "executables_sha256": executables, "homes": tempfile.gettempdir()}
    if not a.resume:
        samples.write_text("")
        return {
            "machine": part["machine"], "uptime_start": part["uptime_start"], "scale": a.scale, "repeats": a.repeats,
            "homes": part["homes"],
            "command": "python3 bench/peers/run.py " + " ".join(shlex.quote(x) for x in (argv or sys.argv[1:])),
            "started": part["started"], "key": run_key(a), "code": code, "done": [], "parts": [part],
        }
    try:
        progress = json.loads(record.read_text())
    except (OSError, ValueError):
        return f"--resume: no run to carry on in {out} (machine.json missing or unreadable)"
    if progress.get("key") != run_key(a):
        return f"--resume: the run in {out} was started with other options: {progress.get('key')}"
    before = progress.get("code", code)
    changed = [k for k in ("harness", "orch", "peers") if before.get(k, code[k]) != code[k]]
    if changed:
        what = {"harness": "harness", "orch": "orch's source (git trees, resolved packages or Swift)",
                "peers": "peers' versions (pip freeze)"}
        return (f"--resume: the {' and '.join(what[k] for k in changed)} changed since the run in {out} started: its "
                "figures would mix two versions; start the run again without --resume")
    running = progress.get("running")
    if running:
        offset, done, over = kept_of_cut_step(samples, running, [s.name for s in a.shape_list], a.idle_seconds)
        with open(samples, "r+b") as f:
            f.truncate(offset)
        if over:
            progress.pop("running")
            progress["done"].append([running["repeat"], running["system"]])
        else:
            running.update(offset=offset, shapes_done=sorted(done))
    progress["parts"].append(part)
    return progress


def save(out: Path, progress: dict) -> None:
    tmp = out / "machine.json.tmp"
    tmp.write_text(json.dumps(progress, indent=1))
    os.replace(tmp, out / "machine.json")


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    out = a.out / "peers"
    (out / "logs").mkdir(parents=True, exist_ok=True)
    samples = out / "samples.jsonl"
    orch = a.orch
    if any(s.startswith("orch-") for s in a.system_list):
        if not orch:
            log("building orch and the bundles its driver loads (release, the Swift runtime linked in)")
            r = subprocess.run(["bash", "-c", "set -e; source scripts/lib/bundles.sh; "
                                "swift build \"${ORCH_RELEASE[@]}\" --product orch; "
                                "build_repo_bundles \"${ORCH_RELEASE[@]}\""], cwd=REPO,
                               capture_output=True, text=True)
            if r.returncode:
                print(r.stdout[-3000:] + r.stderr[-3000:], file=sys.stderr)
                return 1
            orch = str(REPO / ".build/release/orch")
        if not os.access(orch, os.X_OK):
            log(f"no orch binary at {orch}")
            return 1
    peers = peer_venvs(a.system_list)
    if peers and not a.skip_setup:
        log(f"installing peers if needed: {' '.join(peers)} (bench/peers/setup.sh; log {out}/logs/setup.log)")
        with open(out / "logs/setup.log", "ab") as f:
            if subprocess.run(["bash", str(HERE / "setup.sh"), *peers], stdout=f, stderr=subprocess.STDOUT).returncode:
                log(f"setup failed; see {out}/logs/setup.log")
                return 1
    freezes = peer_freezes(a.system_list)
    code = fingerprint(orch, freezes)
    if isinstance(code, str):
        log(code)
        return 2
    machine = start_or_resume(a, out, argv, code, executables_sha256(orch))
    if isinstance(machine, str):
        log(machine)
        return 2
    if not a.resume:
        write_freezes(a.out, freezes)
    save(out, machine)
    log(f"load at the start: {machine['parts'][-1]['uptime_start']}")
    if "airflow" in a.system_list:
        subprocess.run(["bash", str(REPO / "scripts/pg-up.sh")], stdout=subprocess.DEVNULL, check=True)
    cmds = commands(os.path.abspath(orch) if orch else "")
    step_timeout = a.run_timeout * len(a.shape_list) + a.idle_seconds + 900
    trash = Path(tempfile.gettempdir()) / f"peers-trash-{os.getpid()}"
    trash.mkdir(exist_ok=True)
    env = dict(os.environ, **{TRASH_ENV: str(trash)})
    # The probe's files stay in the trash until the end: removing them now would slow the very creations measured.
    machine["parts"][-1]["file_create_start"] = settle(str(trash), a.settle_create_us, log=log)
    log(f"creating a file at the start: {machine['parts'][-1]['file_create_start']}")
    save(out, machine)
    failures = 0
    for r in range(a.repeats):
        k = r % len(a.system_list)
        order = a.system_list[k:] + a.system_list[:k]
        for system in order:
            if [r, system] in machine["done"]:
                log(f"repeat {r + 1}/{a.repeats}: {system} done in an earlier part")
                continue
            cut = machine.get("running") or {}
            finished = cut.get("shapes_done", []) if (cut.get("repeat"), cut.get("system")) == (r, system) else []
            left = [s.name for s in a.shape_list if s.name not in finished]
            # A step carried on with every shape finished measures only the idle system (--shapes none).
            cmd = cmds[system] + ["--shapes", ",".join(left) or "none", "--scale", a.scale, "--repeats", "1",
                                  "--idle-seconds", str(a.idle_seconds), "--run-timeout", str(a.run_timeout)]
            log(f"repeat {r + 1}/{a.repeats}: {system}" + (f" (carried on; finished before: {', '.join(finished)})"
                                                           if finished else ""))
            machine["running"] = {"repeat": r, "system": system, "offset": samples.stat().st_size,
                                  "shapes_done": finished}
            save(out, machine)
            with open(samples, "a") as so, open(out / "logs" / f"{system}.log", "a") as se:
                try:
                    rc = subprocess.run(cmd, stdout=so, stderr=se, timeout=step_timeout, env=env).returncode
                except subprocess.TimeoutExpired:
                    rc = "timeout"
                    so.write(json.dumps({"type": "error", "system": system, "shape": "*",
                                         "error": f"driver killed after {step_timeout:.0f} s"}) + "\n")
            machine.pop("running")
            machine["done"].append([r, system])
            save(out, machine)
            if rc != 0:
                failures += 1
                log(f"{system} reported failures (exit {rc}); see {out}/logs/{system}.log")
    machine["uptime_end"] = machine["parts"][-1]["uptime_end"] = uptime()
    machine["parts"][-1]["file_create_end"] = settle(str(trash), 0)
    shutil.rmtree(trash, ignore_errors=True)  # nothing is measured from here on (the next 5 minutes' creations are
    # slower on ext4 without a journal: a run started right after waits for them, `--settle-create-us`)
    log(f"load at the end: {machine['uptime_end']}")
    save(out, machine)
    rc = subprocess.run([PY, str(HERE / "report.py"), str(samples), "--machine", str(out / "machine.json"),
                         "--out", str(a.out)]).returncode
    log(f"report: {a.out / 'peers.md'} ({failures} system runs with failures)")
    return 1 if rc else 0


if __name__ == "__main__":
    sys.exit(main())
