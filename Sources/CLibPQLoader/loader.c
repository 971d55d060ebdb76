// libpq on first use: the table of its functions, filled by one dlopen (see Sources/CLibPQ/shim.h).
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "../CLibPQ/shim.h"

#define VOID_FUNCTION(name, params, args) FUNCTION(void, name, params, args)

#define FUNCTION(ret, name, params, args) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&name), ret (*) params), #name " as in libpq-fe.h");
ORCH_PQ_FUNCTIONS(FUNCTION, VOID_FUNCTION)
#undef FUNCTION

static struct {
#define FUNCTION(ret, name, params, args) ret (*name) params;
    ORCH_PQ_FUNCTIONS(FUNCTION, VOID_FUNCTION)
#undef FUNCTION
} libpq;
static const char *failure;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!library) { failure = strdup(dlerror()); return; }
#define FUNCTION(ret, name, params, args) \
    if (!(libpq.name = (ret (*) params)dlsym(library, #name))) { failure = "libpq.so.5 has no " #name; return; }
    ORCH_PQ_FUNCTIONS(FUNCTION, VOID_FUNCTION)
#undef FUNCTION
}

const char *orch_pq_open(void) {
    pthread_once(&once, load);
    return failure;
}

#undef VOID_FUNCTION
#define FUNCTION(ret, name, params, args) ret orch_##name params { return libpq.name args; }
#define VOID_FUNCTION(name, params, args) void orch_##name params { libpq.name args; }
ORCH_PQ_FUNCTIONS(FUNCTION, VOID_FUNCTION)
