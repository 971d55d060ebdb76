"""Item 2: task processes dying by SIGSEGV, SIGKILL, or out of memory (rlimit) are recorded as such and retried."""
from rel import *


def body():
    home = Home("crash")
    try:
        figures = {"faults_injected": 0, "retried_ok": 0}
        home.orch("run", "example_crash", check_rc=0)
        home.orch("run", "reliability_oom", check_rc=0)
        rows = {(r["task_id"], r["try_number"]): r for r in home.query(
            "SELECT task_id, try_number, state, exit_code, signal, error, log_path FROM task_attempt")}

        def expect_first(task, what):
            first, second = rows.get((task, 1)), rows.get((task, 2))
            check(first is not None and second is not None, f"{task}: wanted two attempts, got {sorted(rows)}")
            check(first["state"] == "failed", f"{task} try 1: state {first['state']}, wanted failed")
            check(what(first), f"{task} try 1 not recorded as expected: {first}")
            check(second["state"] == "success", f"{task} try 2: {second}")
            figures["faults_injected"] += 1
            figures["retried_ok"] += 1

        expect_first("segfault", lambda r: r["signal"] == 11 and "SIGSEGV" in (r["error"] or ""))
        expect_first("killed", lambda r: r["signal"] == 9 and "SIGKILL" in (r["error"] or ""))
        # Out of memory in Swift: the allocator fails and the runtime stops the process by a signal.
        expect_first("oom_swift", lambda r: r["signal"] is not None)
        # Out of memory in a shell task: Python's MemoryError, exit code 1, visible in the attempt's log.
        expect_first("oom_shell", lambda r: r["exit_code"] == 1 and "MemoryError" in open(r["log_path"]).read())
        figures["oom_swift_signal"] = rows[("oom_swift", 1)]["signal"]
        figures["errors"] = {t: rows[(t, 1)]["error"] for t in ("segfault", "killed", "oom_swift", "oom_shell")}
        # Shown to users: `orch runs show` names the signal.
        run_id = home.query("SELECT run_id FROM dag_run WHERE dag_id = 'example_crash'")[0]["run_id"]
        # (Both DAGs ran within the same second, so their run ids can be equal: name the DAG.)
        shown = home.orch("runs", "show", run_id, "--dag", "example_crash", check_rc=0).stdout
        check("SIGSEGV" in shown and "SIGKILL" in shown, f"orch runs show does not name the signals:\n{shown}")
        return figures
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t02_task_crash", body)
