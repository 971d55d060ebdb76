#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <microhttpd.h>

/*
 * libmicrohttpd is opened on first use (dlopen of its soname), not linked, as libpq and libcurl are. Linked, it and
 * GnuTLS (with p11-kit, nettle, gmp and five more) were mapped and initialised by every orch process, though only
 * `orch serve`/`orch webserver` and the ShopStream source server serve HTTP: about 3.5 ms of every CLI command's
 * start and 1.3 MB of a scheduler's memory (docs/performance.md, "Lazy DAGs").
 *
 * orch_mhd_open() loads it, once per process and thread-safely, and returns NULL, or why it cannot be loaded
 * (HTTPServer calls it before starting). orch_MHD_xxx(...) calls libmicrohttpd's MHD_xxx(...). MHD_start_daemon,
 * MHD_get_daemon_info and MHD_get_connection_info are variadic, so unavailable in Swift: orch_mhd_start,
 * orch_mhd_bound_port, orch_mhd_current_connections and orch_mhd_client_ip give them fixed signatures. All are
 * defined in Sources/CMicroHTTPDLoader/loader.c, which checks each type against microhttpd.h at compile time.
 */
#define ORCH_MHD_FUNCTIONS(F, V) \
    V(MHD_stop_daemon, (struct MHD_Daemon *a), (a)) \
    F(int, MHD_get_connection_values, (struct MHD_Connection *a, enum MHD_ValueKind b, MHD_KeyValueIterator c, \
                                       void *d), (a, b, c, d)) \
    F(const char *, MHD_lookup_connection_value, (struct MHD_Connection *a, enum MHD_ValueKind b, const char *c), \
      (a, b, c)) \
    F(enum MHD_Result, MHD_queue_response, (struct MHD_Connection *a, unsigned int b, struct MHD_Response *c), \
      (a, b, c)) \
    V(MHD_suspend_connection, (struct MHD_Connection *a), (a)) \
    V(MHD_resume_connection, (struct MHD_Connection *a), (a)) \
    F(struct MHD_Response *, MHD_create_response_from_buffer, (size_t a, void *b, enum MHD_ResponseMemoryMode c), \
      (a, b, c)) \
    V(MHD_destroy_response, (struct MHD_Response *a), (a)) \
    F(enum MHD_Result, MHD_add_response_header, (struct MHD_Response *a, const char *b, const char *c), (a, b, c))

const char *orch_mhd_open(void);
#define ORCH_MHD_DECLARE(ret, name, params, args) ret orch_##name params;
#define ORCH_MHD_DECLARE_VOID(name, params, args) void orch_##name params;
ORCH_MHD_FUNCTIONS(ORCH_MHD_DECLARE, ORCH_MHD_DECLARE_VOID)
#undef ORCH_MHD_DECLARE
#undef ORCH_MHD_DECLARE_VOID

/* Collects the daemon's error messages while it starts, so a failed start can say why (port taken, ...). */
struct orch_mhd_log {
    pthread_mutex_t lock;
    int capturing;
    char text[1024];
};

static inline void orch_mhd_log_init(struct orch_mhd_log *log) {
    pthread_mutex_init(&log->lock, NULL);
    log->capturing = 1;
    log->text[0] = 0;
}

static inline void orch_mhd_log_stop_capturing(struct orch_mhd_log *log) {
    pthread_mutex_lock(&log->lock);
    log->capturing = 0;
    pthread_mutex_unlock(&log->lock);
}

static inline void orch_mhd_log_destroy(struct orch_mhd_log *log) { pthread_mutex_destroy(&log->lock); }

static inline void orch_mhd_log_callback(void *cls, const char *fm, va_list ap) {
    struct orch_mhd_log *log = (struct orch_mhd_log *)cls;
    pthread_mutex_lock(&log->lock);
    if (log->capturing) {
        size_t used = strlen(log->text);
        if (used + 2 < sizeof(log->text)) {
            if (used > 0) { log->text[used++] = ' '; log->text[used] = 0; }
            vsnprintf(log->text + used, sizeof(log->text) - used, fm, ap);
        }
    }
    pthread_mutex_unlock(&log->lock);
}

/* Starts a daemon bound to `addr` with a thread pool, a connection limit and timeout, a limit of connections per
   client address, a per-connection memory pool size (which bounds the request line and headers), a URI logger (which
   creates the per-request context), a completion notifier (which frees it) and the capturing error logger. */
struct MHD_Daemon *orch_mhd_start(unsigned int flags,
                                  const struct sockaddr_in *addr,
                                  unsigned int thread_pool_size,
                                  unsigned int connection_limit,
                                  unsigned int connection_timeout,
                                  unsigned int per_ip_connection_limit,
                                  size_t connection_memory_limit,
                                  MHD_AccessHandlerCallback access_handler, void *access_cls,
                                  void *(*uri_logger)(void *, const char *, struct MHD_Connection *),
                                  void *uri_cls,
                                  MHD_RequestCompletedCallback completed, void *completed_cls,
                                  struct orch_mhd_log *log);

/* The port the daemon is bound to (useful when it was asked for port 0), or 0 if unknown. */
int orch_mhd_bound_port(struct MHD_Daemon *d);

/* Number of open connections. */
unsigned int orch_mhd_current_connections(struct MHD_Daemon *d);

/* Writes the peer's IP address into buf (NUL-terminated); returns 0 on success, -1 if unknown. */
int orch_mhd_client_ip(struct MHD_Connection *c, char *buf, socklen_t len);

/* The captured error text (NUL-terminated). */
static inline const char *orch_mhd_log_text(const struct orch_mhd_log *log) { return log->text; }
