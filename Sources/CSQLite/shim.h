#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it. */
static inline sqlite3_destructor_type orch_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/* sqlite3_config is variadic. */
static inline int orch_sqlite_config_multithread(void) { return sqlite3_config(SQLITE_CONFIG_MULTITHREAD); }
