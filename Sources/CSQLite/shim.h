#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it. */
static inline sqlite3_destructor_type orch_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/* sqlite3_config is variadic. Multi-thread mode (every connection is used under its owner's lock) and no memory
   statistics (each allocation would take a global mutex to count itself; orch never reads the figures). Before
   the library initialises only: afterwards sqlite3_config returns SQLITE_MISUSE and changes nothing. */
static inline int orch_sqlite_configure(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
