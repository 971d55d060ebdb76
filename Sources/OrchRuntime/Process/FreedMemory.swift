import CProcessControl

/// Gives the kernel back the memory malloc holds free. Loading the bundles decodes every manifest on worker
/// threads and recording a new version encodes its entry again (megabytes of JSON and text, freed once the DAGs
/// are built and recorded), and glibc keeps freed pages in each thread's arena for reuse: a long-lived process
/// (`orch scheduler`, `orch webserver`, `orch serve`) would carry them for its whole life, so it calls this once
/// its DAGs are loaded and recorded, at start-up and after a reload, and the scheduler again whenever its runs have
/// all ended (``IdleMemoryGate``). A short command exits instead.
public enum FreedMemory {
    public static func giveBack() {
        _ = orch_malloc_trim()
    }

    /// The most malloc arenas a process keeps, unless MALLOC_ARENA_MAX says otherwise. glibc's default is eight per
    /// core, one per thread that meets a locked arena; each holds its own free memory, which the others cannot use.
    /// Measured on an idle `orch serve` after three runs (docs/performance.md, "Two malloc arenas"): three arenas of
    /// 4.6–5.8 MB each resident, and 5 MB less anonymous memory with two and the idle give-back.
    public static let arenaLimit: Int32 = 2

    /// Caps the arenas at ``arenaLimit``; called first thing in `orch`'s `main`, before any other thread exists. An
    /// operator's MALLOC_ARENA_MAX (which glibc reads itself) is left alone. Bundle executables do not call it: they
    /// run the user's code (a forked attempt inherits its fork server's settings), which keeps glibc's default as in
    /// any other process, and their helpers' heaps are their DAGs, in use, not free memory spread over arenas.
    public static func limitArenas(environment: [String: String]) {
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = orch_malloc_arena_max(arenaLimit)
    }
}
