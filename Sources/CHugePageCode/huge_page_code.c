#define _GNU_SOURCE
#include "orch_huge_page_code.h"

#include <errno.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>

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

int orch_move_code_to_huge_page(uintptr_t at, size_t size) {
    if (size == 0 || at % size != 0) return EINVAL;
    /* Twice the size, so that an aligned piece lies inside; the slack is given back before the copy. */
    char *area = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) return errno;
    uintptr_t aligned = ((uintptr_t)area + size - 1) & ~(uintptr_t)(size - 1);
    if (aligned > (uintptr_t)area) munmap(area, aligned - (uintptr_t)area);
    uintptr_t tail = aligned + size, areaEnd = (uintptr_t)area + 2 * size;
    if (areaEnd > tail) munmap((void *)tail, areaEnd - tail);
    char *copy = (char *)aligned;
    madvise(copy, size, MADV_HUGEPAGE);   /* a refusal only means 4 KiB pages: still inherited, still correct */
    memcpy(copy, (const void *)at, size);
    int failure = 0;
    if (mprotect(copy, size, PROT_READ | PROT_EXEC) != 0) failure = errno;
    else if (mremap(copy, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)at) == MAP_FAILED) failure = errno;
    if (failure) munmap(copy, size);
    return failure;
}
