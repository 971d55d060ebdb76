#define _GNU_SOURCE
#include "orch_guardian.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Everything below runs in a signal handler too: no malloc, no stdio, no locks; only the functions signal-safety(7)
   lists, on static buffers. */

enum { MAX_PROCESSES = 16384, MAX_SIGNALLED = 4096, ROUND_MS = 20 };

static long grace_ms = 5000;
/* Who is ending the descendants: 0 nobody, 1 a stop handler, 2 the task's end (orch_guardian_finish). */
static atomic_int owner;
/* A stop signal that arrived while the task's end was ending the descendants: the process dies of it after. */
static volatile sig_atomic_t pending_signal;

/* The process table and the pids signalled so far, used only by the owner. */
static pid_t table_pid[MAX_PROCESSES], table_ppid[MAX_PROCESSES];
static char table_state[MAX_PROCESSES];
static pid_t living[MAX_PROCESSES];
static pid_t signalled[MAX_SIGNALLED];
static int signalled_count;

int orch_guardian_descendants(const pid_t *pid, const pid_t *ppid, const char *state, int count, pid_t root,
                              pid_t *out, int max) {
    /* `out` is the queue of every descendant found, dead ones included (their children are still below root);
       the dead are dropped at the end. */
    int found = 0;
    for (int next = -1; next < found; next++) {
        pid_t parent = next < 0 ? root : out[next];
        for (int i = 0; i < count && found < max; i++) {
            if (ppid[i] != parent || pid[i] == parent || pid[i] == root) continue;
            int known = 0;
            for (int j = 0; j < found && !known; j++) known = out[j] == pid[i];
            if (!known) out[found++] = pid[i];
        }
    }
    int alive = 0;
    for (int j = 0; j < found; j++) {
        char s = 'S';
        for (int i = 0; i < count; i++) if (pid[i] == out[j]) { s = state[i]; break; }
        if (s != 'Z' && s != 'X') out[alive++] = out[j];
    }
    return alive;
}

static int append(char *out, int at, const char *text) {
    while (*text) out[at++] = *text++;
    return at;
}

static int append_number(char *out, int at, long long value, int width) {
    char digits[24];
    int n = 0;
    if (value < 0) { out[at++] = '-'; value = -value; }
    do { digits[n++] = (char)('0' + value % 10); value /= 10; } while (value > 0);
    while (n < width) digits[n++] = '0';
    while (n > 0) out[at++] = digits[--n];
    return at;
}

int orch_guardian_timestamp(long long seconds, int millis, char *out) {
    /* Days to a civil date (proleptic Gregorian, H. Hinnant's days_from_civil inverted). */
    long long days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    long long rest = seconds - days * 86400;
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long day = doy - (153 * mp + 2) / 5 + 1;
    long long month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2);
    int at = append(out, 0, "[");
    at = append_number(out, at, year, 4);
    at = append(out, at, "-");
    at = append_number(out, at, month, 2);
    at = append(out, at, "-");
    at = append_number(out, at, day, 2);
    at = append(out, at, "T");
    at = append_number(out, at, rest / 3600, 2);
    at = append(out, at, ":");
    at = append_number(out, at, rest / 60 % 60, 2);
    at = append(out, at, ":");
    at = append_number(out, at, rest % 60, 2);
    at = append(out, at, ".");
    at = append_number(out, at, millis, 3);
    at = append(out, at, "Z] ");
    out[at] = 0;
    return at;
}

static const char *signal_name(int sig) {
    return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "a signal";
}

/* One log line on fd 1, as StandardOutputLogger writes them: `[time] message`. */
static void log_line(const char *message) {
    char line[256];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int at = orch_guardian_timestamp(now.tv_sec, (int)(now.tv_nsec / 1000000), line);
    at = append(line, at, message);
    line[at++] = '\n';
    for (int done = 0; done < at;) {
        ssize_t n = write(STDOUT_FILENO, line + done, (size_t)(at - done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += (int)n;
    }
}

static pid_t parse_pid(const char *text) {
    long long value = 0;
    if (*text == 0) return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9' || value > 100000000) return -1;
        value = value * 10 + (*text - '0');
    }
    return (pid_t)value;
}

/* The parent and state of `pid` from /proc/<pid>/stat (`pid (comm) S ppid …`; comm may hold ')' itself). */
static int read_stat(pid_t pid, pid_t *ppid, char *state) {
    char path[40];
    int at = append(path, 0, "/proc/");
    at = append_number(path, at, pid, 1);
    at = append(path, at, "/stat");
    path[at] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char text[512];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return -1;
    int close_paren = -1;
    for (int i = 0; i < n; i++) if (text[i] == ')') close_paren = i;
    if (close_paren < 0 || close_paren + 4 >= n) return -1;
    *state = text[close_paren + 2];
    long long value = 0;
    for (int i = close_paren + 4; i < n && text[i] >= '0' && text[i] <= '9'; i++) value = value * 10 + (text[i] - '0');
    *ppid = (pid_t)value;
    return 0;
}

/* Reads every process of /proc into the table; returns how many. */
static int read_table(void) {
    int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return 0;
    int count = 0;
    char buffer[8192];
    for (;;) {
        long got = syscall(SYS_getdents64, dir, buffer, sizeof buffer);
        if (got <= 0) break;
        for (long offset = 0; offset < got;) {
            /* struct linux_dirent64: inode (8), offset (8), record length (2), type (1), name. */
            unsigned short length;
            char *record = buffer + offset;
            __builtin_memcpy(&length, record + 16, sizeof length);
            offset += length;
            pid_t pid = parse_pid(record + 19);
            if (pid <= 0 || count >= MAX_PROCESSES) continue;
            if (read_stat(pid, &table_ppid[count], &table_state[count]) == 0) table_pid[count++] = pid;
        }
    }
    close(dir);
    return count;
}

/* Reaps exited children; returns 0 when this process has no child left at all. */
static int reap_children(void) {
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) continue;
        if (pid < 0 && errno == EINTR) continue;
        return !(pid < 0 && errno == ECHILD);
    }
}

static long long monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* SIGTERM to every descendant, SIGKILL to those alive `grace_ms` later, reaps them all; returns how many processes
   were signalled. A subreaper with no child has no descendant left, so the common case reads no /proc. */
static int end_descendants(void) {
    signalled_count = 0;
    long long deadline = monotonic_ms() + grace_ms;
    while (reap_children()) {
        int count = read_table();
        int alive = orch_guardian_descendants(table_pid, table_ppid, table_state, count, getpid(), living,
                                              MAX_PROCESSES);
        int sig = monotonic_ms() >= deadline ? SIGKILL : SIGTERM;
        for (int i = 0; i < alive; i++) {
            int known = 0;
            for (int j = 0; j < signalled_count && !known; j++) known = signalled[j] == living[i];
            if (known && sig != SIGKILL) continue;
            kill(living[i], sig);
            if (!known && signalled_count < MAX_SIGNALLED) signalled[signalled_count++] = living[i];
        }
        struct timespec pause_between = {0, ROUND_MS * 1000000L};
        nanosleep(&pause_between, NULL);
    }
    return signalled_count;
}

/* `received SIGTERM: stopping the task's processes (SIGKILL after 5 s)`, the grace in seconds without trailing zeros. */
static void log_received(int sig) {
    char message[128];
    int at = append(message, 0, "received ");
    at = append(message, at, signal_name(sig));
    at = append(message, at, ": stopping the task's processes (SIGKILL after ");
    at = append_number(message, at, grace_ms / 1000, 1);
    if (grace_ms % 1000) {
        at = append(message, at, ".");
        at = append_number(message, at, grace_ms % 1000, 3);
        while (message[at - 1] == '0') at--;
    }
    at = append(message, at, " s)");
    message[at] = 0;
    log_line(message);
}

/* Logs what happened and dies of `sig` (the pool reads how the attempt ended from that). */
static void stop_and_die(int sig, int stopped) {
    char message[128];
    int at = append(message, 0, "stopped ");
    at = append_number(message, at, stopped, 1);
    at = append(message, at, " process(es) of the task; ending the attempt by ");
    at = append(message, at, signal_name(sig));
    message[at] = 0;
    log_line(message);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

static void on_stop_signal(int sig) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&owner, &expected, 1)) {
        pending_signal = sig;   /* the task's end is ending the descendants: it dies of this signal after */
        return;
    }
    log_received(sig);
    stop_and_die(sig, end_descendants());
}

void orch_guardian_install(long grace) {
    grace_ms = grace < 0 ? 0 : grace;
    struct sigaction action = {0};
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaddset(&action.sa_mask, SIGINT);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
}

int orch_guardian_finish(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&owner, &expected, 2)) {
        for (;;) pause();   /* a stop handler is ending the attempt, and the process with it */
    }
    int stopped = end_descendants();
    atomic_store(&owner, 0);   /* a stop signal from now on is handled by the handler, as before the task's end */
    int sig = pending_signal;  /* one that came while the descendants were being ended: carried out here */
    expected = 0;
    if (sig && atomic_compare_exchange_strong(&owner, &expected, 2)) {
        log_received(sig);
        stop_and_die(sig, stopped);
    }
    return stopped;
}
