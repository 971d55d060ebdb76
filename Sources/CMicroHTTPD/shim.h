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
 * libmicrohttpd's MHD_start_daemon, MHD_get_daemon_info and MHD_get_connection_info are variadic and so unavailable
 * in Swift. These static inline wrappers give them fixed signatures. Nothing else lives here.
 */

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
   client address, a per-connection memory pool size (which bounds the request line and headers), a URI logger (which creates the
   per-request context), a completion notifier (which frees it) and the capturing error logger. */
static inline struct MHD_Daemon *orch_mhd_start(unsigned int flags,
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
                                                struct orch_mhd_log *log) {
    return MHD_start_daemon(flags, ntohs(addr->sin_port), NULL, NULL,
                            access_handler, access_cls,
                            /* first, so that every message of the start itself reaches it */
                            MHD_OPTION_EXTERNAL_LOGGER, orch_mhd_log_callback, (void *)log,
                            MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_logger, uri_cls,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_END);
}

/* The port the daemon is bound to (useful when it was asked for port 0), or 0 if unknown. */
static inline int orch_mhd_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : (int)info->port;
}

/* Number of open connections. */
static inline unsigned int orch_mhd_current_connections(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/* Writes the peer's IP address into buf (NUL-terminated); returns 0 on success, -1 if unknown. */
static inline int orch_mhd_client_ip(struct MHD_Connection *c, char *buf, socklen_t len) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, len) ? 0 : -1;
    }
    if (sa->sa_family == AF_INET6) {
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, len) ? 0 : -1;
    }
    return -1;
}

/* The captured error text (NUL-terminated). */
static inline const char *orch_mhd_log_text(const struct orch_mhd_log *log) { return log->text; }
