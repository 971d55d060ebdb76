#ifndef ORCH_HUGE_PAGE_CODE_H
#define ORCH_HUGE_PAGE_CODE_H

#include <stddef.h>
#include <stdint.h>

/* A fork server's code in transparent huge pages (see HugePageCode.swift).

   A child forked from a process does not inherit the page-table entries of its parent's file-backed code (the
   kernel leaves them to be faulted in again), so each forked attempt takes a page fault for every 64 KiB window of
   code it runs. Code moved into anonymous memory backed by 2 MiB pages is inherited as a handful of page-middle
   entries: no fault, and little to tear down when the child exits.

   orch_main_code_range: the first executable segment of the main program (its code), as loaded.
   Returns 0, or -1 when there is none.

   orch_move_code_to_huge_page: replaces the code at [at, at + size), which must lie inside that segment with `at`
   and `size` multiples of the huge page size, with an identical copy in anonymous memory marked MADV_HUGEPAGE and
   mapped read and execute. The copy is made elsewhere and put in place with one mremap, so the code is never
   absent. Returns 0, or an errno value with the code left as it was.

   The same move in two halves, so that the copying (2 MiB of fresh huge page each, zeroed by the kernel first:
   milliseconds where the memory is new to the machine) is not the server's time:
   orch_prepare_code_copies: starts a thread of its own, at the lowest priority and with every signal blocked,
   that copies the pieces at from[0..count) (each a multiple of `size`) one after the other into anonymous memory
   marked MADV_HUGEPAGE and MADV_DONTFORK (not in children forked meanwhile), and writes one byte to `wake_fd`
   (if >= 0) after each. Before each copy it waits until the server has forked once and not again for `quiet_ns`
   (told by orch_code_copies_note_fork), but no longer than `most_wait_ns`: a huge page being zeroed holds the address
   space's lock, which a fork waits for. Once per process. Returns 0, or an errno value with nothing started.
   orch_code_copy_may_start: pure, the rule above: whether a copy may start at `now_ns`, the server's last fork at
   `last_fork_ns` (0: none yet) and the copier waiting since `waiting_since_ns`. 1 or 0. No copy before the first
   fork: a server is started for a request that comes right after it is ready, and that attempt waits for none.
   orch_code_copies_note_fork: the server has just forked.
   orch_prepared_code_copies: how many copies are made, from the first.
   orch_place_code_copy: puts made copy `index` over its piece (read and execute, inherited by children again,
   one mremap). Returns 0, or an errno value with the code left as it was and no further copy made. */
int orch_main_code_range(uintptr_t *start, uintptr_t *end);
int orch_move_code_to_huge_page(uintptr_t at, size_t size);
int orch_prepare_code_copies(const uintptr_t *from, size_t count, size_t size, int wake_fd, long long quiet_ns,
                             long long most_wait_ns);
int orch_code_copy_may_start(long long last_fork_ns, long long now_ns, long long waiting_since_ns, long long quiet_ns,
                             long long most_wait_ns);
void orch_code_copies_note_fork(void);
size_t orch_prepared_code_copies(void);
int orch_place_code_copy(size_t index);

#endif
