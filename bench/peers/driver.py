"""What every system driver of the peer benchmark shares: the command line, one measured run, the idle measurement.

A driver (orch_driver.py, prefect_driver.py, ...) defines a System with
    name, roots (list of pids: the system's processes and their sessions; the list may grow while a run is going),
    __enter__/__exit__ (start the system in a fresh home / stop every process it started),
    trigger(shape, scale) -> handle      start one run of every DAG of the shape (returns once triggered),
    wait(handle, shape, scale, deadline) -> (tasks, run_end)   wait for the end, read the task times from the
                                         system's own database: [(dag_id, task_id, start, end)], Unix seconds,
    reaped_cpu (float)                   CPU seconds of per-run processes the driver itself reaped,
    reaped_peak_rss (int, optional)      the largest peak RSS in bytes of those processes (wait4's ru_maxrss): the
                                         memory of runs that end between two of the sampler's looks,
and calls `main(System)`. Output: JSON lines on stdout, {"type": "sample"|"idle"|"error", ...}; progress on stderr.

Memory is the summed RSS of every process of the system (the roots, their sessions and descendants), sampled from
/proc every 200 ms (bench/airflow/run.py's helpers, so the Airflow side-by-side measures the same way). At idle also
the summed PSS, which counts a page shared by the system's processes once (summed RSS counts the interpreter or
runtime libraries once per process, so a system of several processes reads larger than its memory).

CPU is the CPU time of everything the driver started, from a cgroup-v1 `cpuacct` group the driver moves itself into
before starting the system (CPUMeter): every descendant is counted, including processes that outlive their parent
and are reparented to init, and per-run clients the driver starts (orch's `orch trigger`); the driver's own CPU
(sampling, HTTP clients) is taken off unless the driver process is the system (Dagster in-process). Without a
writable cgroup (not root), it is the /proc sum of the system's processes (reaped children included) plus what the
driver reaped itself — which can come out negative when a process of the system ends reparented to init (its CPU
leaves the sum): that method is named in each sample (`cpu_method`).

Other work on the machine is measured beside each run, so a run's figures say whether the machine was quiet:
`others_cpu_s` is the CPU time the whole machine spent busy (/proc/stat: user, nice, system, irq and softirq of
every CPU) less what the driver and everything it started spent, over the same interval; `steal_s` is the time the
hypervisor gave to other guests (/proc/stat's steal); `machine_cpus` the CPUs counted. /proc/stat counts in clock
ticks (10 ms at USER_HZ 100), so a few hundredths of a second either way are the counters' grain, not work.
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import resource
import shutil
import signal
import subprocess
import statistics
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "airflow"))
import run as af  # noqa: E402
from shapes import IDLE_DAGS, Shape, figures, parse_shapes  # noqa: E402

REPO = HERE.parents[1]
SLOTS = 2  # tasks at once on every system: the machine's 2 cores (orch's ORCH_WORKER_SLOTS, Airflow's parallelism)


def log(system: str, msg: str) -> None:
    print(f"{system}-bench [{time.strftime('%H:%M:%S')}]: {msg}", file=sys.stderr, flush=True)


def stop_processes(procs, roots) -> None:
    """Stops a system started as process groups (`procs`): SIGTERM to each group, 30 s to exit, then SIGKILL to
    whatever is left of the system's process tree (found from `roots` before stopping)."""
    pids = af.system_pids(roots)
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
    for pid in af.system_pids(pids):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def reap(pid: int, deadline: float, timeout_message: str, poll: float):
    """Waits for the child `pid` (a process-group leader) until `deadline`; returns (status, rusage). Past the
    deadline its group is killed and reaped and TimeoutError(timeout_message) raised."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.time() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            raise TimeoutError(timeout_message)
        time.sleep(poll)


def wait_http(url: str, procs, deadline: float, what: str, poll: float = 0.5) -> None:
    """Returns once `url` answers 2xx; raises RuntimeError naming `what` when one of `procs` exited or at `deadline`
    (time.time()). Every driver's readiness check of its server."""
    import urllib.request
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if 200 <= r.status < 300:
                    return
        except OSError:
            pass
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"{what} exited before it answered {url}")
        if time.time() > deadline:
            raise RuntimeError(f"{what} did not answer {url} in time")
        time.sleep(poll)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


class CPUMeter:
    """CPU seconds of a system (see the module's doc): a cpuacct cgroup of the driver and its descendants, else
    the /proc sum."""
    ROOT = "/sys/fs/cgroup/cpuacct"

    def __init__(self):
        self.group = None
        path = f"{self.ROOT}/orch-peers-{os.getpid()}"
        try:
            os.makedirs(path, exist_ok=True)
            with open(f"{path}/cgroup.procs", "w") as f:
                f.write(str(os.getpid()))
            self.group = path
        except OSError:
            pass

    @property
    def method(self) -> str:
        return "cgroup" if self.group else "proc"

    def snapshot(self, system) -> "CPUSnapshot":
        """The CPU figures a measurement compares, read together (the cgroup's counter once): the difference of
        two snapshots is what happened between them."""
        busy, stolen = machine_cpu()
        if self.group is not None:
            with open(f"{self.group}/cpuacct.usage") as f:
                own = int(f.read()) / 1e9      # the driver and everything it started
            if os.getpid() in system.roots:    # the driver process is the system (Dagster in-process)
                return CPUSnapshot(system_s=own, own_s=own, busy_s=busy, stolen_s=stolen)
            return CPUSnapshot(system_s=own - driver_cpu(), own_s=own, busy_s=busy, stolen_s=stolen)
        system_s = af.cpu_seconds(af.system_pids(system.roots)) + system.reaped_cpu
        # The driver is the system: its /proc sum counts the driver already.
        own = system_s if os.getpid() in system.roots else system_s + driver_cpu()
        return CPUSnapshot(system_s=system_s, own_s=own, busy_s=busy, stolen_s=stolen)

    def close(self) -> None:
        """Moves the driver back to the root group and removes its group (kept while processes are left)."""
        if self.group is None:
            return
        try:
            with open(f"{self.ROOT}/cgroup.procs", "w") as f:
                f.write(str(os.getpid()))
            os.rmdir(self.group)
        except OSError:
            pass


def driver_cpu() -> float:
    """CPU seconds of the driver process itself."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


@dataclasses.dataclass(frozen=True)
class CPUSnapshot:
    """One reading of a system's CPU seconds (`system_s`), of the driver's and everything it started (`own_s`),
    and of the whole machine's busy and stolen time."""
    system_s: float
    own_s: float
    busy_s: float
    stolen_s: float

    def cpu_since(self, before: "CPUSnapshot") -> float:
        """The system's CPU seconds since `before`."""
        return self.system_s - before.system_s

    def other_work_since(self, before: "CPUSnapshot") -> dict:
        """What the rest of the machine did since `before`: its busy time less the driver's own."""
        others = (self.busy_s - before.busy_s) - (self.own_s - before.own_s)
        return {"others_cpu_s": round(max(0.0, others), 2), "steal_s": round(self.stolen_s - before.stolen_s, 2),
                "machine_cpus": os.cpu_count()}


def machine_cpu() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine since boot, summed over its CPUs (/proc/stat's first line:
    user, nice, system, irq and softirq; steal); a guest's time is inside user already."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


METER: CPUMeter | None = None


def cpu_meter() -> CPUMeter:
    global METER
    if METER is None:
        METER = CPUMeter()
    return METER


def measure(system, shape: Shape, scale: str, run_timeout: float) -> dict:
    meter = cpu_meter()
    system.reaped_cpu = 0.0
    if hasattr(system, "reaped_peak_rss"):
        system.reaped_peak_rss = 0
    before = meter.snapshot(system)
    with af.MemorySampler(system.roots) as mem:
        t_trigger = time.time()
        handle = system.trigger(shape, scale)
        tasks, run_end = system.wait(handle, shape, scale, t_trigger + run_timeout)
    after = meter.snapshot(system)
    cpu = after.cpu_since(before)
    sample = {"type": "sample", "system": system.name, "shape": shape.name, "scale": scale}
    sample.update(figures(shape, scale, tasks, t_trigger, run_end))
    # A run shorter than the sampling interval can end before its processes are seen: no memory figure then, unless
    # the system reaps its per-run processes itself and reports their peak (wait4's ru_maxrss: `reaped_peak_rss`).
    peak = max(mem.peak or 0, getattr(system, "reaped_peak_rss", 0))
    sample.update(peak_rss_mb=round(peak / 2**20, 1) if peak else None, cpu_s=round(cpu, 2),
                  cpu_method=meter.method, **after.other_work_since(before))
    return sample


def idle(system, seconds: float) -> dict:
    """CPU and memory of the started system over `seconds` with nothing to run (its DAGs loaded)."""
    time.sleep(2)  # let the last run's bookkeeping settle
    meter = cpu_meter()
    system.reaped_cpu = 0.0
    before = meter.snapshot(system)
    rss, pss = [], []
    end = time.time() + seconds
    while time.time() < end:
        pids = af.system_pids(system.roots)
        rss.append(af.rss_bytes(pids))
        pss.append(af.pss_bytes(pids))
        time.sleep(0.5)
    after = meter.snapshot(system)
    cpu = after.cpu_since(before)
    return {"type": "idle", "system": system.name, "seconds": seconds, "dags_loaded": system.dags_loaded,
            "cpu_s": round(cpu, 2), "cpu_pct": round(100 * cpu / seconds, 2), "cpu_method": meter.method,
            "rss_mb_median": round(statistics.median(rss) / 2**20, 1), "peak_rss_mb": round(max(rss) / 2**20, 1),
            "pss_mb_median": round(statistics.median(pss) / 2**20, 1),
            "processes": len(af.system_pids(system.roots)), **after.other_work_since(before)}


TRASH_ENV = "PEERS_TRASH"


def discard(path) -> None:
    """Removes a stopped system's home. Under run.py ($PEERS_TRASH set) the home is moved into that folder instead,
    and run.py removes it once the whole run has ended: on a file system without a journal (this VM's ext4) every
    file created in the next one to six minutes scans past the inodes just freed (the kernel's `find_inode_bit` →
    `recently_deleted`), so removing thousands of log files charged the next system in the interleaving for the
    previous one's clean-up (docs/bench-peers.md, "Homes are removed at the end")."""
    trash = os.environ.get(TRASH_ENV)
    if trash and os.path.isdir(path):
        try:
            os.makedirs(trash, exist_ok=True)
            os.rename(path, os.path.join(trash, f"{os.path.basename(os.path.normpath(path))}-{time.time_ns()}"))
            return
        except OSError:  # another file system: removed now
            pass
    shutil.rmtree(path, ignore_errors=True)


def log_tails(system, lines: int = 60) -> None:
    """The end of every log in the system's home (`system.home`), into the driver's log (stderr): the home and its
    logs are removed when the system stops, and a failed run's cause is in them."""
    home = getattr(system, "home", None)
    for path in sorted(Path(home).glob("*.log")) if home else []:
        try:
            with open(path, errors="replace") as f:
                tail = list(collections.deque(f, maxlen=lines))
        except OSError:
            continue
        log(system.name, f"last {len(tail)} lines of {path.name}:\n" + "".join(tail))


def parse_args(name: str, argv: list[str] | None = None, add_args=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog=f"{name}_driver.py", description=f"{name} side of the peer benchmark")
    if add_args:
        add_args(ap)
    ap.add_argument("--shapes", default="all", help="'all' or a comma-separated list (bench/peers/shapes.py)")
    ap.add_argument("--scale", choices=["full", "small"], default="full")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--idle-seconds", type=float, default=60, help="idle measurement after the runs; 0: none")
    ap.add_argument("--run-timeout", type=float, default=1800, help="seconds one run may take")
    a = ap.parse_args(argv)
    if a.repeats < 1:
        ap.error("--repeats must be at least 1")
    if a.idle_seconds < 0 or a.run_timeout <= 0:
        ap.error("--idle-seconds must be >= 0 and --run-timeout > 0")
    try:
        a.shape_list = parse_shapes(a.shapes)
    except ValueError as e:
        ap.error(str(e))
    return a


def main(make_system, name: str, argv: list[str] | None = None, add_args=None) -> int:
    """Runs every requested shape --repeats times on a started system, then the idle measurement; exit 1 if a run
    failed. `add_args(parser)` adds the driver's own options; `make_system(args)` builds the System."""
    a = parse_args(name, argv, add_args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the system (context manager exit)
    cpu_meter()  # before the system starts: everything it starts is in the driver's group
    try:
        return run_all(make_system, a)
    finally:
        cpu_meter().close()


def run_all(make_system, a) -> int:
    failures = 0
    busy = None  # a run that did not finish leaves the system working: nothing after it would be fair
    with make_system(a) as system:
        for shape in a.shape_list:
            for i in range(a.repeats):
                if busy:
                    emit({"type": "error", "system": system.name, "shape": shape.name, "scale": a.scale,
                          "error": f"not run: the {busy} run did not finish within --run-timeout"})
                    continue
                log(system.name, f"{shape.name} ({a.scale}) run {i + 1}/{a.repeats}")
                try:
                    emit({**measure(system, shape, a.scale, a.run_timeout), "repeat": i + 1})
                except Exception as e:  # one failed shape is reported; the others still run
                    failures += 1
                    log(system.name, f"{shape.name} failed: {e}")
                    traceback.print_exc(file=sys.stderr)
                    log_tails(system)
                    emit({"type": "error", "system": system.name, "shape": shape.name, "scale": a.scale,
                          "error": f"{type(e).__name__}: {e}"[:500]})
                    if isinstance(e, TimeoutError):
                        busy = shape.name
        if a.idle_seconds > 0 and not busy:
            log(system.name, f"idle for {a.idle_seconds:.0f} s with {system.dags_loaded} DAGs loaded")
            emit(idle(system, a.idle_seconds))
    return 1 if failures else 0


__all__ = ["IDLE_DAGS", "REPO", "SLOTS", "af", "discard", "emit", "log", "main"]
