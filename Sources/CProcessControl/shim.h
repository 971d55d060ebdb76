#include <sys/prctl.h>

/* prctl is variadic; Swift cannot call it. Makes the caller the reaper of its orphaned descendants
   (PR_SET_CHILD_SUBREAPER, Linux 3.4+): a descendant whose parent dies is re-parented to the caller,
   not to init, even when it left the process group or session (setsid). Returns 0 or -1 (errno). */
static inline int orch_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

#include <spawn.h>

/* glibc 2.34+ declares this only under _GNU_SOURCE, which Swift's Glibc module does not set. A spawn file
   action closing every descriptor from `from` up: a child gets only the descriptors it is meant to have. */
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
static inline int orch_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

#include <unistd.h>
#include <sys/syscall.h>

/* Closes every descriptor from `from` up in one system call (close_range, Linux 5.9+); where the kernel lacks it,
   one close per descriptor below the process's limit. A forked attempt keeps only stdin/out/err and its lock. */
static inline void orch_close_from(int from) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned int)from, ~0U, 0) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = from; fd < max; fd++) close(fd);
}

#include <sys/socket.h>
#include <sys/un.h>
#include <string.h>
#include <errno.h>
/* A Unix stream socket at `path` (NUL-terminated, shorter than sun_path), listening (`listening` 1: bound,
   backlog 128) or connected (0). Close-on-exec. Returns the descriptor, or -1 with errno set. */
static inline int orch_unix_socket(const char *path, int listening) {
    struct sockaddr_un addr;
    size_t len = strlen(path);
    if (len >= sizeof(addr.sun_path)) { errno = ENAMETOOLONG; return -1; }
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, len + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int rc = listening ? bind(fd, (struct sockaddr *)&addr, sizeof(addr)) : connect(fd, (struct sockaddr *)&addr, sizeof(addr));
    if (rc == 0 && listening) rc = listen(fd, 128);
    if (rc != 0) { int saved = errno; close(fd); errno = saved; return -1; }
    return fd;
}

#include <malloc.h>

/// Returns free memory of every malloc arena to the kernel (glibc's malloc_trim).
static inline int orch_malloc_trim(void) { return malloc_trim(0); }

/// Caps the number of malloc arenas (mallopt M_ARENA_MAX); 1 on success.
static inline int orch_malloc_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
