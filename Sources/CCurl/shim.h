#pragma once
#include <curl/curl.h>

/*
 * libcurl is opened on first use (dlopen of its soname), not linked: linked, it and what it needs (OpenSSL,
 * GnuTLS, nghttp2, libssh2, Kerberos, LDAP: some 25 libraries) were mapped and initialised by every orch command and
 * every bundle process, whether it sent a request or not (see CLibPQ/shim.h; docs/performance.md, "libpq and libcurl
 * on first use").
 *
 * orch_curl_open() loads it, once per process and thread-safely, and returns NULL, or why it cannot be loaded
 * (HTTPClient calls it, then curl_global_init, before anything else). orch_curl_xxx(...) calls libcurl's curl_xxx(...).
 * Defined in Sources/CCurlLoader/loader.c, which checks each type against curl.h at compile time.
 */
#define ORCH_CURL_FUNCTIONS(F, V) \
    F(CURLcode, curl_global_init, (long a), (a)) \
    F(CURL *, curl_easy_init, (void), ()) \
    V(curl_easy_cleanup, (CURL *a), (a)) \
    V(curl_easy_reset, (CURL *a), (a)) \
    F(CURLcode, curl_easy_perform, (CURL *a), (a)) \
    F(const char *, curl_easy_strerror, (CURLcode a), (a)) \
    F(struct curl_slist *, curl_slist_append, (struct curl_slist *a, const char *b), (a, b)) \
    V(curl_slist_free_all, (struct curl_slist *a), (a))

const char *orch_curl_open(void);
#define ORCH_CURL_DECLARE(ret, name, params, args) ret orch_##name params;
#define ORCH_CURL_DECLARE_VOID(name, params, args) void orch_##name params;
ORCH_CURL_FUNCTIONS(ORCH_CURL_DECLARE, ORCH_CURL_DECLARE_VOID)
#undef ORCH_CURL_DECLARE
#undef ORCH_CURL_DECLARE_VOID

/* curl_easy_setopt and curl_easy_getinfo are variadic: one typed wrapper per argument kind. */
CURLcode orch_curl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode orch_curl_setopt_string(CURL *h, CURLoption o, const char *v);
CURLcode orch_curl_setopt_pointer(CURL *h, CURLoption o, void *v);
CURLcode orch_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v);
CURLcode orch_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v);
CURLcode orch_curl_setopt_write_callback(CURL *h, size_t (*cb)(char *, size_t, size_t, void *));
CURLcode orch_curl_setopt_header_callback(CURL *h, size_t (*cb)(char *, size_t, size_t, void *));
CURLcode orch_curl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode orch_curl_getinfo_double(CURL *h, CURLINFO i, double *v);
