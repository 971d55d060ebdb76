"""Item 6: the disk holding the logs fills up while a task writes. The attempt and the run end failed with a
readable error naming the full disk, the state database stays consistent (`PRAGMA integrity_check` = ok, no task
left running), and the next run works once space is back. As root the logs folder is a 2 MiB tmpfs; otherwise
a file-size limit (`ulimit -f`) stands in for the full disk."""
import resource
from rel import *


def body():
    home = Home("diskfull")
    logs = os.path.join(home.path, "logs")
    mounted = False
    try:
        os.makedirs(logs, exist_ok=True)
        preexec = None
        if os.geteuid() == 0:
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", logs], check=True)
            mounted = True
            method = "tmpfs 2 MiB"
        else:
            limit = 2 * 1024 * 1024
            preexec = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            method = "ulimit -f 2 MiB"
        e = dict(home.env)
        p = subprocess.run([ORCH, "run", "reliability_chatty", "--logical-date", "2026-11-01"], env=e,
                           capture_output=True, text=True, timeout=180, preexec_fn=preexec, cwd=ROOT)
        out = p.stdout + p.stderr
        check(p.returncode != 0, f"run succeeded with a full log disk:\n{out[-1500:]}")
        check("database is locked" not in out, "database is locked reached the user")
        check(integrity_ok(home), "PRAGMA integrity_check is not ok")
        runs = home.query("SELECT run_id, state FROM dag_run")
        check(len(runs) == 1 and runs[0]["state"] == "failed", f"run not failed: {runs}")
        stuck = home.query("SELECT task_id, state FROM task_instance WHERE state IN ('queued', 'running', 'scheduled')")
        check(not stuck, f"tasks left unfinished: {stuck}")
        open_attempts = home.query("SELECT task_id, try_number FROM task_attempt WHERE end_date IS NULL")
        check(not open_attempts, f"attempts without an end: {open_attempts}")
        chatty = home.query("SELECT try_number, state, error FROM task_attempt WHERE task_id = 'chatty' ORDER BY try_number")
        check(chatty and all(a["state"] == "failed" for a in chatty), f"chatty attempts: {chatty}")
        err = chatty[-1]["error"] or ""
        check(any(w in err.lower() for w in ("no space", "disk", "file too large", "log")),
              f"the attempt's error does not say the log disk is full: {err!r}")
        shown = home.orch("runs", "show", runs[0]["run_id"], "--dag", "reliability_chatty").stdout
        # Space back: the same DAG runs again and its first task now fails only for its own reasons.
        if mounted:
            subprocess.run(["umount", logs], check=True)
            mounted = False
        again = home.orch("run", "reliability_oom", "--logical-date", "2026-11-02")
        check(again.returncode == 0, f"a run after space came back failed: {(again.stdout + again.stderr)[-800:]}")
        check(integrity_ok(home), "PRAGMA integrity_check is not ok after the second run")
        return {"method": method, "runs_failed_cleanly": 1, "attempts": len(chatty), "error": err[:200],
                "integrity_check": "ok", "cli_output_tail": out.strip().splitlines()[-1][:200] if out.strip() else ""}
    finally:
        if mounted:
            subprocess.run(["umount", "-l", logs])
        home.cleanup()


if __name__ == "__main__":
    main("t06_log_disk_full", body)
