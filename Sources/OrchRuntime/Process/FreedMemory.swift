import CProcessControl

/// Gives the kernel back the memory malloc holds free. Loading the bundles decodes every manifest on worker
/// threads and recording a new version encodes its entry again (megabytes of JSON and text, freed once the DAGs
/// are built and recorded), and glibc keeps freed pages in each thread's arena for reuse: a long-lived process
/// (`orch scheduler`, `orch webserver`, `orch serve`) would carry them for its whole life, so it calls this once
/// its DAGs are loaded and recorded, at start-up and after a reload. A short command exits instead.
public enum FreedMemory {
    public static func giveBack() {
        _ = orch_malloc_trim()
    }
}
