import OrchCore

/// Shell tasks: the exit code decides; ORCH_* variables describe the attempt.
let exampleShell = DAG("example_shell", description: "Shell-command tasks", tags: ["example"]) { d in
    let hello = d.shell("hello", "echo \"hello from $ORCH_DAG_ID/$ORCH_TASK_ID, logical date $ORCH_DS\"")
    let list = d.shell("count_files", "ls -1 \"$ORCH_HOME\" | wc -l")
    let fails = d.shell("exit_3", "echo about to fail >&2; exit 3", retries: 1, retryDelay: 0.1)
    let after = d.task("after_shell", triggerRule: .allDone) { ctx in ctx.log("shell tasks done") }
    chain(hello, list, fails, after)
}
