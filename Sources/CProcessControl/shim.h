#include <sys/prctl.h>

/* prctl is variadic; Swift cannot call it. Makes the caller the reaper of its orphaned descendants
   (PR_SET_CHILD_SUBREAPER, Linux 3.4+): a descendant whose parent dies is re-parented to the caller,
   not to init, even when it left the process group or session (setsid). Returns 0 or -1 (errno). */
static inline int orch_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }
