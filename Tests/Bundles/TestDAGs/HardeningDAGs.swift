import Foundation
import OrchCore

/// A shell task that ignores SIGTERM past its 1 s timeout and leaves processes behind in other sessions
/// (`setsid`), one of them without the attempt's lock descriptor (fd 3). Try 1 writes the pids of everything it
/// started to `$ORCH_HOME/escape-<run>.pids`; try 2 (the retry) fails if any of them is still alive when it starts.
let reliabilityTimeoutEscape = DAG("reliability_timeout_escape",
                                   description: "A timed-out shell task whose processes ignore SIGTERM and leave its session",
                                   tags: ["reliability"], defaults: TaskDefaults(retries: 1, retryDelay: 0)) { d in
    d.shell("escape", """
        pids="$ORCH_HOME/escape-$(echo "$ORCH_RUN_ID" | tr -c 'A-Za-z0-9\\n' _).pids"
        if [ "$ORCH_TRY_NUMBER" != 1 ]; then
            for p in $(cat "$pids"); do
                if kill -0 "$p" 2>/dev/null; then echo "process $p of try 1 is still alive"; exit 1; fi
            done
            echo "nothing of try 1 is alive"; exit 0
        fi
        trap '' TERM
        setsid sh -c 'trap "" TERM; sleep 60 & echo $$ $! >> "$0"; wait' "$pids" &
        setsid sh -c 'exec 3>&-; trap "" TERM; sleep 60 & echo $$ $! >> "$0"; wait' "$pids" &
        sleep 60 &
        echo $$ $! >> "$pids"
        echo "started; ignoring SIGTERM"
        wait
        """, timeout: 1)
}

/// Shows what a task process receives: a shell task copies its own and its parent's (the attempt process's)
/// `/proc/<pid>/environ`, the signal mask its commands start with, and the size of its params file into
/// `$ORCH_HOME/task-env-<run>/`. Its DAG asks for
/// `RELIABILITY_VISIBLE` and, in vain, for `ORCH_API_TOKEN`.
let reliabilityTaskEnv = DAG("reliability_task_env", description: "What the environment of a task process holds",
                             tags: ["reliability"], environment: ["RELIABILITY_VISIBLE", "ORCH_API_TOKEN"]) { d in
    d.shell("inspect", """
        out="$ORCH_HOME/task-env-$(echo "$ORCH_RUN_ID" | tr -c 'A-Za-z0-9\\n' _)"
        mkdir -p "$out"
        tr '\\0' '\\n' < /proc/$$/environ > "$out/shell.env"
        tr '\\0' '\\n' < /proc/$PPID/environ > "$out/attempt.env"
        grep -E '^Sig(Blk|Ign)' /proc/self/status > "$out/signals"
        wc -c < "$ORCH_PARAMS_FILE" | tr -d ' ' > "$out/params-file-bytes"
        if [ -n "${ORCH_PARAMS+set}" ]; then echo set; else echo unset; fi > "$out/orch-params"
        echo "environment recorded in $out"
        """)
}

/// One Swift task in a process of its own, logging which thread of its attempt process runs its body (`tid`) and
/// that process's pid: the body runs on the process's main thread (tid = pid), with no worker thread started for it.
let reliabilityAttemptThread = DAG("reliability_attempt_thread", description: "Which thread runs a process task's body",
                                   tags: ["reliability"]) { d in
    d.task("where") { ctx in
        // /proc/thread-self is `<pid>/task/<tid>` of the calling thread.
        let tid = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? "")
            .split(separator: "/").last.map(String.init) ?? "?"
        ctx.log("body-thread tid=\(tid) pid=\(getpid())")
    }
}

/// What an attempt process does with its task's processes without a thread of its own (its stop runs in the signal
/// handler): `background` ends successfully but leaves a `sleep` running, whose pid it writes to
/// `$ORCH_HOME/background-<run>.pid` (its process must end it before the attempt ends); `stopped` is a Swift task
/// that waits 60 s past its 1 s timeout, with no process of its own (its process dies of the SIGTERM).
let reliabilityGuardian = DAG("reliability_guardian", description: "An attempt process ends what its task leaves",
                              tags: ["reliability"], defaults: TaskDefaults(retries: 0)) { d in
    d.shell("background", """
        sleep 60 &
        echo $! > "$ORCH_HOME/background-$(echo "$ORCH_RUN_ID" | tr -c 'A-Za-z0-9\\n' _).pid"
        echo "left sleep $! running"
        """)
    d.task("stopped", timeout: 1, isolation: .process) { ctx in
        ctx.log("waiting past the timeout")
        sleep(60)
    }
}
