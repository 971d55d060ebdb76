// libmicrohttpd on first use: the table of its functions, filled by one dlopen (see Sources/CMicroHTTPD/shim.h).
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "../CMicroHTTPD/shim.h"

#define VOID_FUNCTION(name, params, args) FUNCTION(void, name, params, args)
// The variadic three, called only here.
#define VARIADIC_FUNCTIONS(F) \
    F(struct MHD_Daemon *, MHD_start_daemon, (unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *, \
                                              MHD_AccessHandlerCallback, void *, ...)) \
    F(const union MHD_DaemonInfo *, MHD_get_daemon_info, (struct MHD_Daemon *, enum MHD_DaemonInfoType, ...)) \
    F(const union MHD_ConnectionInfo *, MHD_get_connection_info, (struct MHD_Connection *, \
                                                                  enum MHD_ConnectionInfoType, ...))

#define FUNCTION(ret, name, params, args) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&name), ret (*) params), #name " as in microhttpd.h");
#define VARIADIC(ret, name, params) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&name), ret (*) params), #name " as in microhttpd.h");
ORCH_MHD_FUNCTIONS(FUNCTION, VOID_FUNCTION)
VARIADIC_FUNCTIONS(VARIADIC)
#undef FUNCTION
#undef VARIADIC

static struct {
#define FUNCTION(ret, name, params, args) ret (*name) params;
#define VARIADIC(ret, name, params) ret (*name) params;
    ORCH_MHD_FUNCTIONS(FUNCTION, VOID_FUNCTION)
    VARIADIC_FUNCTIONS(VARIADIC)
#undef FUNCTION
#undef VARIADIC
} mhd;
static const char *failure;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (!library) { failure = strdup(dlerror()); return; }
#define FUNCTION(ret, name, params, args) \
    if (!(mhd.name = (ret (*) params)dlsym(library, #name))) { failure = "libmicrohttpd.so.12 has no " #name; return; }
#define VARIADIC(ret, name, params) FUNCTION(ret, name, params, ())
    ORCH_MHD_FUNCTIONS(FUNCTION, VOID_FUNCTION)
    VARIADIC_FUNCTIONS(VARIADIC)
#undef FUNCTION
#undef VARIADIC
}

const char *orch_mhd_open(void) {
    pthread_once(&once, load);
    return failure;
}

#undef VOID_FUNCTION
#define FUNCTION(ret, name, params, args) ret orch_##name params { return mhd.name args; }
#define VOID_FUNCTION(name, params, args) void orch_##name params { mhd.name args; }
ORCH_MHD_FUNCTIONS(FUNCTION, VOID_FUNCTION)
#undef FUNCTION
#undef VOID_FUNCTION

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
                                  struct orch_mhd_log *log) {
    return mhd.MHD_start_daemon(flags, ntohs(addr->sin_port), NULL, NULL,
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

int orch_mhd_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = mhd.MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : (int)info->port;
}

unsigned int orch_mhd_current_connections(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = mhd.MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

int orch_mhd_client_ip(struct MHD_Connection *c, char *buf, socklen_t len) {
    const union MHD_ConnectionInfo *info = mhd.MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
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
