"""Item 4: the source API answering 500s, 429 with Retry-After, truncated or wrong-shaped JSON and slow answers.

Transient faults are retried and the fetch lands everything; persistent faults end in a clear error and leave
nothing half-landed: no landing folder for a first fetch, and an earlier good landing untouched on a re-fetch.
`--slow` adds answers slower than the fetcher's 15 s timeout (about 90 s; the soak suite runs it).
"""
import glob, hashlib
from rel import *

DATE = "2026-11-05"


def landing_digest(home):
    files = sorted(glob.glob(os.path.join(home.path, "data/shopstream/landing", DATE, "**/*"), recursive=True))
    h = hashlib.sha256()
    for f in files:
        if os.path.isfile(f):
            h.update(f.encode())
            h.update(open(f, "rb").read())
    return h.hexdigest(), len(files)


def fetch(home, faults, timeout=240, times=1):
    """Serves the snapshot with SHOPSTREAM_FAULTS=faults and runs the fetch task against it `times` times
    (the same server, so request counts go on: what the task's own retries see); returns the last result."""
    port = free_port()
    server = home.spawn("shopstream", "serve-source", "--port", str(port), env={"SHOPSTREAM_FAULTS": faults})
    try:
        end = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                check(time.time() < end and server.poll() is None, "source server did not start")
                time.sleep(0.2)
        conf = json.dumps({"source_url": f"http://127.0.0.1:{port}"})
        results = [home.orch("tasks", "test", "shopstream_daily", "fetch", "--logical-date", DATE, "--conf", conf,
                             timeout=timeout) for _ in range(times)]
        fetch.first = results[0]
        return results[-1]
    finally:
        server.terminate()
        server.wait(timeout=10)


def body():
    slow = "--slow" in sys.argv
    home = Home("source")
    figures = {"faults_injected": 0, "recovered": 0, "clear_failures": 0, "half_landed": 0}
    try:
        landing = os.path.join(home.path, "data/shopstream/landing", DATE)
        # Persistent faults on a first fetch: clear error, no landing folder.
        permanent = [("500@*", "500"), ("truncate@*", "JSON"), ("products/shape@*", "products"),
                     ("429:1@*", "429")]
        for faults, word in permanent:
            p = fetch(home, faults)
            out = p.stdout + p.stderr
            check(p.returncode != 0, f"{faults}: fetch succeeded: {out[-800:]}")
            check(word.lower() in out.lower(), f"{faults}: error does not mention '{word}': {out[-800:]}")
            figures["faults_injected"] += 1
            figures["clear_failures"] += 1
            if os.path.exists(landing) and os.listdir(landing):
                figures["half_landed"] += 1
            figures.setdefault("errors", {})[faults] = [l for l in out.splitlines() if l.strip()][-1][:300]
        check(figures["half_landed"] == 0, f"files left in {landing} after failed fetches")
        # Transient faults: retried, then everything lands.
        transient = "500@1-2;users/503@1;429:1@4;posts/delay:2000@1"
        p = fetch(home, transient)
        check(p.returncode == 0, f"transient faults not recovered: {(p.stdout + p.stderr)[-1500:]}")
        figures["faults_injected"] += 4
        figures["recovered"] += 1
        # A truncated or wrong-shaped page fails the attempt at once (not retried inside it); the task's retry
        # (fetch has retries=2) runs it again against the same source, which now answers well.
        for faults in ["carts/truncate@1", "products/shape@1"]:
            p = fetch(home, faults, times=2)
            check(fetch.first.returncode != 0, f"{faults}: first attempt did not fail")
            check(p.returncode == 0, f"{faults}: second attempt not recovered: {(p.stdout + p.stderr)[-800:]}")
            figures["faults_injected"] += 1
            figures["recovered"] += 1
        good, nfiles = landing_digest(home)
        check(nfiles > 0, "nothing landed after a successful fetch")
        # A failing re-fetch of the same date leaves the earlier landing exactly as it was.
        for faults in ["500@*", "truncate@*"]:
            p = fetch(home, faults)
            check(p.returncode != 0, f"re-fetch with {faults} succeeded")
            figures["faults_injected"] += 1
            check(landing_digest(home)[0] == good, f"landing changed by a failed re-fetch with {faults}")
        if slow:
            started = time.time()
            p = fetch(home, "delay:16000@*", timeout=300)
            out = p.stdout + p.stderr
            check(p.returncode != 0, "a source slower than the timeout did not fail")
            check("time" in out.lower(), f"slow failure does not say it timed out: {out[-800:]}")
            check(landing_digest(home)[0] == good, "landing changed by a timed-out re-fetch")
            figures["faults_injected"] += 1
            figures["slow_failure_seconds"] = round(time.time() - started)
            figures["errors"]["delay:16000@*"] = [l for l in out.splitlines() if l.strip()][-1][:300]
        figures["landed_files"] = nfiles
        return figures
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t04_source_faults", body)
