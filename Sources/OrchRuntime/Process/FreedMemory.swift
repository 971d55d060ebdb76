import CProcessControl

/// Gives the kernel back the memory malloc holds free. Loading the bundles decodes every manifest on worker
/// threads (megabytes of JSON and text, freed once the DAGs are built), and glibc keeps freed pages in each
/// thread's arena for reuse: a long-lived `orch serve` would carry them for its whole life.
public enum FreedMemory {
    public static func giveBack() {
        _ = orch_malloc_trim()
    }
}
