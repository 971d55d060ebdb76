#define _GNU_SOURCE
#include "orch_huge_page_code.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct code_range { uintptr_t start, end; int found; };

/* The main program is the first object dl_iterate_phdr reports; its first PT_LOAD with PF_X is its code. */
static int first_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct code_range *range = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type == PT_LOAD && (p->p_flags & PF_X)) {
            range->start = info->dlpi_addr + p->p_vaddr;
            range->end = range->start + p->p_memsz;
            range->found = 1;
            break;
        }
    }
    return 1;   /* only the first object */
}

int orch_main_code_range(uintptr_t *start, uintptr_t *end) {
    struct code_range range = {0, 0, 0};
    dl_iterate_phdr(first_object, &range);
    if (!range.found) return -1;
    *start = range.start;
    *end = range.end;
    return 0;
}

/* `length` bytes of anonymous read-write memory starting at a multiple of `align` (a power of two), marked
   MADV_HUGEPAGE (a refusal only means 4 KiB pages: still inherited, still correct); NULL with errno set. One
   `align` more is asked for, so that an aligned start lies inside; the slack is given back. */
static char *aligned_anonymous(size_t length, size_t align) {
    char *area = mmap(NULL, length + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    if (area == MAP_FAILED) return NULL;
    uintptr_t aligned = ((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1);
    if (aligned > (uintptr_t)area) munmap(area, aligned - (uintptr_t)area);
    uintptr_t tail = aligned + length, areaEnd = (uintptr_t)area + length + align;
    if (areaEnd > tail) munmap((void *)tail, areaEnd - tail);
    madvise((void *)aligned, length, MADV_HUGEPAGE);
    return (char *)aligned;
}

/* Puts `copy` over the code at `at`: read and execute, inherited by children, one mremap (the code is never absent
   and never writable where it runs). Returns 0 or an errno value, the code left as it was. */
static int put_over_code(char *copy, size_t size, uintptr_t at) {
    if (mprotect(copy, size, PROT_READ | PROT_EXEC) != 0) return errno;
    if (madvise(copy, size, MADV_DOFORK) != 0) return errno;
    if (mremap(copy, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)at) == MAP_FAILED) return errno;
    return 0;
}

int orch_move_code_to_huge_page(uintptr_t at, size_t size) {
    if (size == 0 || at % size != 0) return EINVAL;
    char *copy = aligned_anonymous(size, size);
    if (copy == NULL) return errno;
    memcpy(copy, (const void *)at, size);
    int failure = put_over_code(copy, size, at);
    if (failure) munmap(copy, size);
    return failure;
}

/* The copies made ahead on a thread of their own (orch_prepare_code_copies). One set per process: a process has
   one main program. */
static struct {
    uintptr_t *from;        /* the pieces, lowest first */
    size_t count, size;
    char *copies;           /* count * size, aligned to size, MADV_HUGEPAGE and MADV_DONTFORK */
    int wake_fd;
    long long quiet_ns, most_wait_ns;
    atomic_llong last_fork_ns;
    atomic_size_t ready;    /* copies made, from the first */
    atomic_int stop;
} prepared;

static long long monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* Until the server has forked once and not again for quiet_ns, or most_wait_ns have passed (the header says why). */
int orch_code_copy_may_start(long long last_fork_ns, long long now_ns, long long waiting_since_ns, long long quiet_ns,
                             long long most_wait_ns) {
    if (now_ns - waiting_since_ns >= most_wait_ns) return 1;
    return last_fork_ns != 0 && now_ns - last_fork_ns >= quiet_ns;
}

static void wait_for_quiet(void) {
    long long start = monotonic_ns();
    while (!orch_code_copy_may_start(atomic_load(&prepared.last_fork_ns), monotonic_ns(), start, prepared.quiet_ns,
                                     prepared.most_wait_ns)) {
        struct timespec pause = {0, 500000};
        nanosleep(&pause, NULL);
    }
}

void orch_code_copies_note_fork(void) {
    atomic_store(&prepared.last_fork_ns, monotonic_ns());
}

static void *make_copies(void *unused) {
    (void)unused;
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);   /* this thread only: the server's work comes first */
    for (size_t i = 0; i < prepared.count && !atomic_load(&prepared.stop); i++) {
        wait_for_quiet();
        memcpy(prepared.copies + i * prepared.size, (const void *)prepared.from[i], prepared.size);
        atomic_store(&prepared.ready, i + 1);
        char byte = 1;
        if (prepared.wake_fd >= 0) (void)!write(prepared.wake_fd, &byte, 1);
    }
    return NULL;
}

int orch_prepare_code_copies(const uintptr_t *from, size_t count, size_t size, int wake_fd, long long quiet_ns,
                             long long most_wait_ns) {
    if (count == 0 || size == 0 || prepared.copies != NULL) return EINVAL;
    for (size_t i = 0; i < count; i++) if (from[i] % size != 0) return EINVAL;
    size_t length = count * size;
    char *copies = aligned_anonymous(length, size);
    if (copies == NULL) return errno;
    /* Not in the children forked while the copies are made: a copy shared with a child would be copied again
       (in 4 KiB pages) when written here. A placed copy is inherited again (orch_place_code_copy). */
    if (madvise(copies, length, MADV_DONTFORK) != 0) { int e = errno; munmap(copies, length); return e; }
    prepared.from = malloc(count * sizeof(uintptr_t));
    if (prepared.from == NULL) { munmap(copies, length); return ENOMEM; }
    memcpy(prepared.from, from, count * sizeof(uintptr_t));
    prepared.count = count;
    prepared.size = size;
    prepared.copies = copies;
    prepared.wake_fd = wake_fd;
    prepared.quiet_ns = quiet_ns;
    prepared.most_wait_ns = most_wait_ns;
    atomic_store(&prepared.last_fork_ns, 0);
    atomic_store(&prepared.ready, 0);
    atomic_store(&prepared.stop, 0);
    /* The thread takes no signal (they stay the server's) and holds no lock of libc's when the server forks: it
       only copies memory and writes one byte. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    int failure = pthread_create(&thread, &attr, make_copies, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (failure) {
        munmap(copies, length);
        free(prepared.from);
        prepared.from = NULL;
        prepared.copies = NULL;
    }
    return failure;
}

size_t orch_prepared_code_copies(void) {
    return prepared.copies ? atomic_load(&prepared.ready) : 0;
}

int orch_place_code_copy(size_t index) {
    if (prepared.copies == NULL || index >= atomic_load(&prepared.ready)) return EINVAL;
    int failure = put_over_code(prepared.copies + index * prepared.size, prepared.size, prepared.from[index]);
    if (failure) atomic_store(&prepared.stop, 1);   /* the code stays as it is; no more copies */
    return failure;
}
