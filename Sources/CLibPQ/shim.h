#pragma once
#include <postgresql/libpq-fe.h>

/*
 * libpq is opened on first use (dlopen of its soname), not linked. Linked, it and what it needs (OpenSSL,
 * Kerberos, LDAP, SASL: some 25 libraries) were mapped and initialised by every orch command and every bundle
 * process, PostgreSQL or not: ~6 ms more per process start, ~3 MB of memory per process, and each fork of a
 * bundle's fork server copied and tore down their mappings (docs/performance.md, "libpq and libcurl on first use").
 *
 * orch_pq_open() loads it, once per process and thread-safely, and returns NULL, or why it cannot be loaded
 * (PGConnection calls it before anything else). orch_PQxxx(...) calls libpq's PQxxx(...). Defined in
 * Sources/CLibPQLoader/loader.c, which checks each type against libpq-fe.h at compile time.
 */
#define ORCH_PQ_FUNCTIONS(F, V) \
    F(PGconn *, PQconnectdb, (const char *a), (a)) \
    F(ConnStatusType, PQstatus, (const PGconn *a), (a)) \
    F(char *, PQerrorMessage, (const PGconn *a), (a)) \
    V(PQfinish, (PGconn *a), (a)) \
    V(PQreset, (PGconn *a), (a)) \
    F(int, PQserverVersion, (const PGconn *a), (a)) \
    F(char *, PQhost, (const PGconn *a), (a)) \
    F(char *, PQport, (const PGconn *a), (a)) \
    F(char *, PQdb, (const PGconn *a), (a)) \
    F(char *, PQuser, (const PGconn *a), (a)) \
    F(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *a, PQnoticeProcessor b, void *c), (a, b, c)) \
    F(PQconninfoOption *, PQconninfoParse, (const char *a, char **b), (a, b)) \
    V(PQconninfoFree, (PQconninfoOption *a), (a)) \
    V(PQfreemem, (void *a), (a)) \
    F(PGresult *, PQexec, (PGconn *a, const char *b), (a, b)) \
    F(PGresult *, PQexecParams, (PGconn *a, const char *b, int c, const Oid *d, const char *const *e, \
                                 const int *f, const int *g, int h), (a, b, c, d, e, f, g, h)) \
    F(PGresult *, PQgetResult, (PGconn *a), (a)) \
    F(ExecStatusType, PQresultStatus, (const PGresult *a), (a)) \
    F(char *, PQresultErrorField, (const PGresult *a, int b), (a, b)) \
    V(PQclear, (PGresult *a), (a)) \
    F(int, PQntuples, (const PGresult *a), (a)) \
    F(int, PQnfields, (const PGresult *a), (a)) \
    F(char *, PQfname, (const PGresult *a, int b), (a, b)) \
    F(Oid, PQftype, (const PGresult *a, int b), (a, b)) \
    F(char *, PQgetvalue, (const PGresult *a, int b, int c), (a, b, c)) \
    F(int, PQgetisnull, (const PGresult *a, int b, int c), (a, b, c)) \
    F(char *, PQcmdStatus, (PGresult *a), (a)) \
    F(char *, PQcmdTuples, (PGresult *a), (a)) \
    F(int, PQputCopyData, (PGconn *a, const char *b, int c), (a, b, c)) \
    F(int, PQputCopyEnd, (PGconn *a, const char *b), (a, b))

const char *orch_pq_open(void);
#define ORCH_PQ_DECLARE(ret, name, params, args) ret orch_##name params;
#define ORCH_PQ_DECLARE_VOID(name, params, args) void orch_##name params;
ORCH_PQ_FUNCTIONS(ORCH_PQ_DECLARE, ORCH_PQ_DECLARE_VOID)
#undef ORCH_PQ_DECLARE
#undef ORCH_PQ_DECLARE_VOID
