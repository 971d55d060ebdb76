#ifndef ORCH_GUARDIAN_H
#define ORCH_GUARDIAN_H

#include <sys/types.h>

/* The attempt process's stop handler, without a thread of its own (see AttemptGuardian.swift).

   orch_guardian_install: SIGTERM and SIGINT get a handler that, on whichever thread the signal lands, sends SIGTERM
   to every living descendant of this process, SIGKILL to those still alive `grace_ms` later, reaps them all,
   writes two log lines to fd 1 and makes the process die of the signal it received. Everything it does is
   async-signal-safe: system calls, arithmetic and static buffers, no allocation and no lock.

   orch_guardian_finish: the same ending of descendants at the task's own end (no signal): returns how many
   processes were signalled. When a stop signal arrives during it, the process dies of that signal once it is done.
   Only one of the two ends the descendants at a time. */
void orch_guardian_install(long grace_ms);
int orch_guardian_finish(void);

/* Pure: the living descendants of `root` in a process table (`pid`, `ppid` and `state` per process, `state` 'Z' or
   'X' for a dead one), found through parent links whatever their group or session. Writes at most `max` pids to
   `out` and returns how many it wrote. */
int orch_guardian_descendants(const pid_t *pid, const pid_t *ppid, const char *state, int count, pid_t root,
                              pid_t *out, int max);

/* Pure: `[2026-12-01T05:30:00.123Z] ` for `seconds` and `millis` since the epoch (UTC) into `out` (at least 28
   bytes), as the attempt's log lines start; returns its length. */
int orch_guardian_timestamp(long long seconds, int millis, char *out);

#endif
