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
   absent. Returns 0, or an errno value with the code left as it was. */
int orch_main_code_range(uintptr_t *start, uintptr_t *end);
int orch_move_code_to_huge_page(uintptr_t at, size_t size);

#endif
