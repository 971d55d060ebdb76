"""Issue 11, defect 5: ORCH_HOME's disk fills up while `orch serve` runs. The server stays up, /health answers 503
naming the full disk, a trigger is refused with a JSON 507, and once the space is freed everything resumes by itself
(health 200 with a healthy scheduler, triggers 201). Then the same on a restart with the disk already full (the
server starts and says so), and a first start on a full disk (nothing to serve: it waits for space, says why in its
log, leaves no empty database behind, and starts once space is freed). ORCH_HOME is a 128 MiB tmpfs (the debug
bundle executables copied into it take 77 MB), so the test needs root (mount); without it the test FAILs saying so."""
import errno
from rel import *


def fill(path):
    """Writes a file until the file system is full; returns the bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for size in (1 << 20, 1 << 12, 1):
            chunk = b"\0" * size
            while True:
                try:
                    n = f.write(chunk)   # unbuffered: may write part of the chunk when space runs out
                    written += n or 0
                    if n != size:
                        continue
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return written


RESETS = []
RESTART_FREED = {}
MIB = 128


@contextlib.contextmanager
def tmpfs_home(name):
    """A Home on a fresh MIB-MiB tmpfs; on the way out its servers stop, the tmpfs goes and the server outputs kept
    outside it are removed."""
    home = Home(name)
    mounted = False
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={MIB}m", "tmpfs", home.path], capture_output=True, text=True)
        check(r.returncode == 0, f"cannot mount a tmpfs as ORCH_HOME (need root): {r.stderr.strip()}")
        mounted = True
        yield home
    finally:
        home.stop_all()
        if mounted:
            subprocess.run(["umount", "-l", home.path])
        home.cleanup()
        for path in getattr(home, "outputs", []):
            os.remove(path)


def outside(home, name):
    """A file for a server's output outside the tmpfs (on the full disk its log lines would be lost)."""
    fd, path = tempfile.mkstemp(prefix=f"orch-rel-t11-{name}-", suffix=".out")
    os.close(fd)
    home.outputs = getattr(home, "outputs", []) + [path]
    return path


def first_answer(srv, port, what, limit=60):
    """The first /health answer, whatever its status (rel.wait_http waits for a 200)."""
    end = time.time() + limit
    while time.time() < end:
        check(srv.poll() is None, f"orch serve exited {what}:\n" + open(srv.out_path).read()[-1500:])
        try:
            return health(port)
        except OSError:
            time.sleep(0.2)
    raise Failure(f"no HTTP answer {what} after {limit} s; its log:\n" + open(srv.out_path).read()[-1500:])


def wait_healthy(srv, port, what, limit=40):
    """Seconds until /health is 200 with a healthy scheduler and storage ok; fails when serve exits or never is."""
    start = time.time()
    answer = {}
    while time.time() - start < limit:
        check(srv.poll() is None, f"orch serve exited {what}:\n" + open(srv.out_path).read()[-1500:])
        try:
            status, answer = health(port)
        except (ConnectionRefusedError, OSError):
            status = None
        if status == 200 and answer["scheduler"]["status"] == "healthy" and answer["storage"]["status"] == "ok":
            return time.time() - start
        time.sleep(0.5)
    raise Failure(f"not healthy {limit} s {what}: {answer}")


def wait_until_nothing_holds(path, limit=20):
    """Waits until no process has a file under `path` open. The old server's helpers may outlive it by a moment
    (a fork server reports its running attempts' ends before it leaves), and the last of them to close the state
    database removes its WAL: space freed after the disk was filled, which CI once saw as a restart on a disk
    that was not full."""
    prefix = os.path.realpath(path) + "/"
    deadline = time.time() + limit
    while time.time() < deadline:
        holders = set()
        for pid in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError):
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    with contextlib.suppress(OSError):
                        if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(prefix):
                            holders.add(pid)
        if not holders:
            return
        time.sleep(0.2)
    raise Failure(f"processes still hold files under {path} {limit} s after serve stopped: {sorted(holders)}")


def sizes(path):
    """Every file under `path` with its size."""
    out = {}
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                out[os.path.join(root, name)] = os.stat(os.path.join(root, name)).st_size
    return out


def restart_on_full_disk(home, filler):
    """Stops serve, fills the disk, starts serve again: it answers, says the disk is full, then recovers. CI saw
    (twice in about fifteen runs) the restarted server find ~5 MB free although nothing held a file under ORCH_HOME
    when the disk was filled: what was freed is recorded (`freed_at_restart`), and the disk is filled again (a
    second filler) so that the rest of the check still runs on a full disk."""
    home.stop_all()
    wait_until_nothing_holds(home.path)
    fill(filler)
    before = sizes(home.path)
    port = free_port()
    srv = home.spawn("serve", "--port", str(port), out=outside(home, "serve"))
    status, answer = first_answer(srv, port, "after a restart on a full disk")
    topped_up = 0
    if answer.get("storage", {}).get("status") != "full":
        after = sizes(home.path)
        freed = {p[len(home.path):]: before[p] - after.get(p, 0) for p in before if before[p] > after.get(p, 0)}
        RESTART_FREED.update(freed)
        topped_up = fill(filler + "-2")
        deadline = time.time() + 15
        while time.time() < deadline and answer.get("storage", {}).get("status") != "full":
            time.sleep(0.5)
            status, answer = health(port)
    check(status == 503 and answer.get("storage", {}).get("status") == "full",
          f"after a restart on a full disk /health answered {status} {answer} (topped up {topped_up} bytes; "
          f"freed since the fill: {RESTART_FREED})")
    s, _, _ = http(port, "POST", "/api/v1/dags/example_xcom/runs", body={})
    check(s == 507, f"a trigger after a restart on a full disk answered {s}")
    os.remove(filler)
    with contextlib.suppress(FileNotFoundError):
        os.remove(filler + "-2")
    took = wait_healthy(srv, port, "after space was freed (restart on a full disk)")
    s, _, data = http(port, "POST", "/api/v1/dags/example_xcom/runs", body={})
    check(s == 201, f"trigger after the restart's recovery answered {s}: {data[:300]}")
    home.stop_all()
    return took


def first_start_on_full_disk():
    """A new ORCH_HOME on a full tmpfs of its own, no database yet: serve waits, leaves no 0-byte orch.db, starts
    once space is freed."""
    with tmpfs_home("firststart") as home:
        filler = os.path.join(home.path, "filler")
        fill(filler)
        port = free_port()
        srv = home.spawn("serve", "--port", str(port), out=outside(home, "serve"))
        time.sleep(8)
        check(srv.poll() is None, "orch serve exited on a first start with a full disk:\n" + open(srv.out_path).read()[-1500:])
        out = open(srv.out_path).read()
        check("the disk is full; trying again" in out, f"the log does not say why serve waits: {out[-1500:]}")
        db = os.path.join(home.path, "orch.db")
        check(not (os.path.exists(db) and os.path.getsize(db) == 0), "a 0-byte orch.db was left behind")
        os.remove(filler)
        return wait_healthy(srv, port, "after space was freed (first start on a full disk)", limit=60)


def health(port):
    """GET /api/v1/health. A connection reset is asked again once and counted (a figure): CI saw one, once, under
    load; a server that died is then refused, which fails the test."""
    try:
        status, _, data = http(port, "GET", "/api/v1/health", timeout=10, token=False)
    except ConnectionResetError:
        RESETS.append(time.time())
        time.sleep(0.2)
        status, _, data = http(port, "GET", "/api/v1/health", timeout=10, token=False)
    return status, json.loads(data)


def body():
    with tmpfs_home("fullhome") as home:
        port = free_port()
        srv = home.spawn("serve", "--port", str(port), out=outside(home, "serve"))
        wait_http(port, proc=srv)
        check(health(port)[0] == 200, "not healthy before the disk filled")
        filler = os.path.join(home.path, "filler")
        written = fill(filler)
        filled_at = time.time()
        # Keep probing for 25 s: the scheduler heartbeats every 3 s, and before the fix the process died here.
        seen_503 = seen_507 = 0
        answer = {}
        while time.time() - filled_at < 25:
            check(srv.poll() is None, f"orch serve exited ({srv.returncode}) with a full disk:\n"
                  + open(srv.out_path).read()[-1500:])
            status, answer = health(port)
            if status == 503 and answer.get("storage", {}).get("status") == "full":
                seen_503 += 1
            s, _, data = http(port, "POST", "/api/v1/dags/example_xcom/runs", body={})
            if s == 507 and json.loads(data).get("status") == 507:
                seen_507 += 1
            else:
                check(s != 201, "a trigger was accepted with a full disk")
            time.sleep(1)
        check(seen_503 > 0, f"/health never answered 503 with storage full; last answer {answer}")
        check(seen_507 > 0, "a trigger was never refused with 507")
        message = answer.get("storage", {}).get("message") or ""
        check("no space" in message or "full" in message, f"health does not say why: {answer}")
        alive_full = time.time() - filled_at

        os.remove(filler)
        freed_at = time.time()
        recovered = None
        while time.time() - freed_at < 40:
            check(srv.poll() is None, "orch serve exited after space was freed")
            status, answer = health(port)
            if status == 200 and answer["scheduler"]["status"] == "healthy" and answer["storage"]["status"] == "ok":
                recovered = time.time() - freed_at
                break
            time.sleep(0.5)
        check(recovered is not None, f"not healthy 40 s after space was freed: {answer}")
        s, _, data = http(port, "POST", "/api/v1/dags/example_xcom/runs", body={})
        check(s == 201, f"trigger after recovery answered {s}: {data[:300]}")
        check(integrity_ok(home), "PRAGMA integrity_check is not ok")
        restart_recovered = restart_on_full_disk(home, filler)
        check(integrity_ok(home), "PRAGMA integrity_check is not ok after the restart on a full disk")
        first_recovered = first_start_on_full_disk()
        return {"seconds_to_healthy_after_restart_on_full_disk": round(restart_recovered, 1),
                "seconds_to_healthy_after_first_start_on_full_disk": round(first_recovered, 1), "method": f"tmpfs {MIB} MiB", "filler_bytes": written, "seconds_alive_while_full": round(alive_full, 1),
                "health_503_answers": seen_503, "post_507_answers": seen_507,
                "seconds_to_healthy_after_free": round(recovered, 1), "health_connection_resets": len(RESETS),
                "freed_at_restart": RESTART_FREED}

if __name__ == "__main__":
    main("t11_disk_full_serve", body)
