// libcurl on first use: the table of its functions, filled by one dlopen (see Sources/CCurl/shim.h).
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "../CCurl/shim.h"

#define VOID_FUNCTION(name, params, args) FUNCTION(void, name, params, args)

#define FUNCTION(ret, name, params, args) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&name), ret (*) params), #name " as in curl.h");
ORCH_CURL_FUNCTIONS(FUNCTION, VOID_FUNCTION)
#undef FUNCTION

static struct {
#define FUNCTION(ret, name, params, args) ret (*name) params;
    ORCH_CURL_FUNCTIONS(FUNCTION, VOID_FUNCTION)
#undef FUNCTION
    CURLcode (*setopt)(CURL *, CURLoption, ...);
    CURLcode (*getinfo)(CURL *, CURLINFO, ...);
} libcurl;
static const char *failure;
static pthread_once_t once = PTHREAD_ONCE_INIT;

// curl.h may define curl_easy_setopt and curl_easy_getinfo as type-checking macros: the parentheses name the
// functions.
_Static_assert(__builtin_types_compatible_p(__typeof__(&(curl_easy_setopt)), __typeof__(libcurl.setopt)),
               "curl_easy_setopt as in curl.h");
_Static_assert(__builtin_types_compatible_p(__typeof__(&(curl_easy_getinfo)), __typeof__(libcurl.getinfo)),
               "curl_easy_getinfo as in curl.h");

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) { failure = strdup(dlerror()); return; }
#define FUNCTION(ret, name, params, args) \
    if (!(libcurl.name = (ret (*) params)dlsym(library, #name))) { failure = "libcurl.so.4 has no " #name; return; }
    ORCH_CURL_FUNCTIONS(FUNCTION, VOID_FUNCTION)
#undef FUNCTION
    libcurl.setopt = (CURLcode (*)(CURL *, CURLoption, ...))dlsym(library, "curl_easy_setopt");
    libcurl.getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))dlsym(library, "curl_easy_getinfo");
    if (!libcurl.setopt || !libcurl.getinfo) failure = "libcurl.so.4 has no curl_easy_setopt or curl_easy_getinfo";
}

const char *orch_curl_open(void) {
    pthread_once(&once, load);
    return failure;
}

#undef VOID_FUNCTION
#define FUNCTION(ret, name, params, args) ret orch_##name params { return libcurl.name args; }
#define VOID_FUNCTION(name, params, args) void orch_##name params { libcurl.name args; }
ORCH_CURL_FUNCTIONS(FUNCTION, VOID_FUNCTION)

CURLcode orch_curl_setopt_long(CURL *h, CURLoption o, long v) { return libcurl.setopt(h, o, v); }
CURLcode orch_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return libcurl.setopt(h, o, v); }
CURLcode orch_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return libcurl.setopt(h, o, v); }
CURLcode orch_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return libcurl.setopt(h, o, v); }
CURLcode orch_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return libcurl.setopt(h, o, v); }
CURLcode orch_curl_setopt_write_callback(CURL *h, size_t (*cb)(char *, size_t, size_t, void *)) {
    return libcurl.setopt(h, CURLOPT_WRITEFUNCTION, cb);
}
CURLcode orch_curl_setopt_header_callback(CURL *h, size_t (*cb)(char *, size_t, size_t, void *)) {
    return libcurl.setopt(h, CURLOPT_HEADERFUNCTION, cb);
}
CURLcode orch_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return libcurl.getinfo(h, i, v); }
CURLcode orch_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return libcurl.getinfo(h, i, v); }
