"""Issue 11, runtime part: a timed-out task leaves nothing alive and is reported ended only after; orch's secrets
never reach a task process; run ids that look alike get their own logs; a 200 KiB conf works in shell tasks; a
zero-byte orch.db is refused; files under ORCH_HOME are private.

Uses only the example DAGs (plus `reliability_timeout_escape` when the binary has it), so the same test runs
against an older orch, where it fails: `ORCH_BIN=/path/to/old/orch python3 t14_runtime_hardening.py`.
"""
from rel import *

SECRETS = {"ORCH_API_TOKEN": TOKEN, "ORCH_ALERT_SECRET": "hmac-secret-5e1f",
           "ORCH_ALERT_WEBHOOKS": "http://127.0.0.1:9/hook-secret-77aa",
           "ORCH_WAREHOUSE_DSN": "postgresql://orch:pw-secret-c3d4@127.0.0.1:5432/orch"}


def stat_of(pid):
    """(ppid, state) of a process, or None when it is gone."""
    try:
        text = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields[0]


def alive(pid):
    s = stat_of(pid)
    return s is not None and s[1] not in ("Z", "X")


def tree(root):
    """root and its living descendants."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = stat_of(int(name))
            if s:
                parents.setdefault(s[0], []).append(int(name))
    out, queue = [], [root]
    while queue:
        pid = queue.pop()
        if alive(pid):
            out.append(pid)
        queue.extend(parents.get(pid, []))
    return out


def secrets_in_environ(pid):
    try:
        env = open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace")
    except OSError:
        return []
    return [k for k, v in SECRETS.items() if v in env]


def timeout_leaves_nothing(figures):
    """example_timeout's `ignores_sigterm` (`trap '' TERM; sleep 60`, timeout 1 s): watch its processes from
    start to end; read their environments while they run."""
    home = Home("t14-timeout", **SECRETS)
    try:
        run = home.spawn("run", "example_timeout")
        seen, leaked, alive_when_ended, ended_at = set(), set(), None, None
        end = time.time() + 60
        while time.time() < end and alive_when_ended is None:
            rows = []
            if os.path.exists(home.db_path):   # (sqlite3.connect would create an empty orch.db, which orch refuses)
                with contextlib.suppress(sqlite3.OperationalError):   # tables not created yet
                    rows = home.query("SELECT pid, start_date, end_date FROM task_attempt WHERE task_id = 'ignores_sigterm'")
            if rows and rows[0]["pid"]:
                leader = rows[0]["pid"]
                if rows[0]["end_date"] is None:
                    for pid in tree(leader):
                        if pid not in seen:
                            seen.add(pid)
                            leaked.update(secrets_in_environ(pid))
                else:
                    # The moment the attempt is reported ended: is anything of it still alive?
                    alive_when_ended = [p for p in seen if alive(p)]
                    ended_at = rows[0]["end_date"] - rows[0]["start_date"]
            time.sleep(0.05)
        check(alive_when_ended is not None, "ignores_sigterm never ended")
        run.wait(timeout=60)
        figures["timeout_processes_seen"] = len(seen)
        figures["timeout_alive_when_reported_ended"] = len(alive_when_ended)
        figures["timeout_attempt_seconds"] = round(ended_at, 1)
        figures["secrets_in_task_environ"] = sorted(leaked)
        figures["home_modes"] = modes(home)
        check(len(seen) >= 3, f"saw only {len(seen)} processes of the attempt")
        check(not alive_when_ended, f"processes {alive_when_ended} of the timed-out attempt were alive when it was reported ended")
        check(not leaked, f"secrets in task processes' environment: {sorted(leaked)}")
        check(figures["home_modes"] == {"home": "700", "logs": "700", "orch.db": "600", "log": "600"},
              f"files under ORCH_HOME are not private: {figures['home_modes']}")
    finally:
        home.cleanup()


def modes(home):
    log = home.query("SELECT log_path FROM task_attempt LIMIT 1")[0]["log_path"]
    paths = {"home": home.path, "logs": os.path.join(home.path, "logs"), "orch.db": home.db_path, "log": log}
    return {k: oct(os.stat(p).st_mode & 0o777)[2:] for k, p in paths.items()}


def setsid_escape_and_retry(figures):
    """reliability_timeout_escape (setsid children, one without the lock descriptor; a retry that checks)."""
    home = Home("t14-escape")
    try:
        if "reliability_timeout_escape" not in home.orch("dags", "list").stdout:
            figures["setsid_escape"] = "skipped: this orch has no reliability_timeout_escape"
            return
        started = time.time()
        home.orch("run", "reliability_timeout_escape", check_rc=0, timeout=120)
        rows = home.query("SELECT try_number, state, start_date, end_date FROM task_attempt ORDER BY try_number")
        pids = [int(p) for f in os.listdir(home.path) if f.startswith("escape-")
                for p in open(os.path.join(home.path, f)).read().split()]
        figures["setsid_escape"] = {"processes": len(pids), "alive_after": sum(alive(p) for p in pids),
                                    "tries": [r["state"] for r in rows],
                                    "try2_start_minus_try1_end_s": round(rows[-1]["start_date"] - rows[0]["end_date"], 3),
                                    "seconds": round(time.time() - started, 1)}
        check([r["state"] for r in rows] == ["failed", "success"], f"tries: {rows}")
        check(not any(alive(p) for p in pids), "processes of try 1 outlived the run")
    finally:
        home.cleanup()


def lookalike_run_ids_and_big_conf(figures):
    """Through the API of `orch serve`: example_shell runs `..`, `_.`, `r:1`, `r_1` at once, and one with a
    200 KiB conf."""
    home = Home("t14-runs", ORCH_WORKER_SLOTS=8)
    try:
        server = home.serve()
        ids = ["..", "_.", "r:1", "r_1"]
        for run_id in ids:
            status, _, body = http(server.port, "POST", "/api/v1/dags/example_shell/runs", {"run_id": run_id})
            check(status == 201, f"trigger {run_id}: {status} {body[:200]}")
        blob = "x" * (200 * 1024)
        status, _, body = http(server.port, "POST", "/api/v1/dags/example_shell/runs",
                               {"run_id": "big_conf", "conf": {"blob": blob}})
        check(status == 201, f"trigger with a 200 KiB conf: {status} {body[:200]}")
        home.unpause("example_shell")
        wait_runs_finished(home, "example_shell", 5, timeout=180, procs=[server])
        hello = {r["run_id"]: r for r in home.query(
            "SELECT r.run_id, a.state, a.error, a.log_path FROM task_attempt a JOIN dag_run r ON r.id = a.run_pk "
            "WHERE a.task_id = 'hello' AND a.try_number = 1")}
        paths = {hello[i]["log_path"] for i in ids if i in hello}
        mixed = [i for i in ids if i in hello and
                 open(hello[i]["log_path"]).read().count("attempt 1 of example_shell.hello") != 1]
        figures["lookalike_runs"] = len(ids)
        figures["lookalike_distinct_log_files"] = len(paths)
        figures["lookalike_hello_failed"] = [i for i in ids if hello.get(i, {}).get("state") != "success"]
        figures["lookalike_logs_shared"] = mixed
        big = hello.get("big_conf", {})
        figures["conf_200KiB_hello"] = big.get("state")
        check(len(paths) == len(ids), f"{len(ids)} runs wrote {len(paths)} log files: {sorted(paths)}")
        check(not mixed and not figures["lookalike_hello_failed"],
              f"shared logs {mixed}, failed {figures['lookalike_hello_failed']}: "
              f"{[hello.get(i, {}).get('error') for i in ids]}")
        check(big.get("state") == "success", f"a shell task with a 200 KiB conf: {big}")
    finally:
        home.cleanup()


def empty_database_refused(figures):
    home = Home("t14-emptydb")
    try:
        open(home.db_path, "w").close()
        p = home.orch("runs", "list", "example_shell")
        size = os.path.getsize(home.db_path)
        figures["empty_db_exit_code"] = p.returncode
        figures["empty_db_bytes_after"] = size
        check(p.returncode != 0 and size == 0, f"a zero-byte orch.db was used (exit {p.returncode}, now {size} bytes)")
        check("orch db migrate --init" in p.stderr, f"the error does not say what to do: {p.stderr}")
        home.orch("db", "migrate", "--init", check_rc=0)
        home.orch("runs", "list", "example_shell", check_rc=0)
    finally:
        home.cleanup()


def body():
    figures = {}
    failures = []
    for part in (timeout_leaves_nothing, setsid_escape_and_retry, lookalike_run_ids_and_big_conf,
                 empty_database_refused):
        try:
            part(figures)
        except Failure as e:
            failures.append(f"{part.__name__}: {e}")
    log(json.dumps(figures))
    check(not failures, "; ".join(failures))
    return figures


if __name__ == "__main__":
    main("t14_runtime_hardening", body)
