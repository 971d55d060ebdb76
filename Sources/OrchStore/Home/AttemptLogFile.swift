#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Opening an attempt's log file for appending, creating it and its folder when missing. Logs live at
/// `logs/<dag>/<run>/<task>.<try>.log` (``OrchHome``): once a run's first attempt made the run's folder, an attempt's
/// open is one `open`; the first attempt of a run makes the folder with one `mkdir` when its DAG's folder exists, and
/// walks the whole path only for a DAG's first run (a log path of an older layout, `<run>/<task>/<try>.log`, works
/// the same way). Used by every writer of a log: the fork server, spawned children, the task host's logger and the
/// API that receives a remote worker's chunks.
public enum AttemptLogFile {
    /// The file descriptor (`O_CLOEXEC`), or -1 with `errno` set.
    public static func openForAppend(_ path: String) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC
        var fd = open(path, flags, 0o600)
        guard fd < 0, errno == ENOENT else { return fd }
        let folder = (path as NSString).deletingLastPathComponent
        if mkdir(folder, 0o777) != 0, errno == ENOENT {   // the umask decides the mode, as FileManager's would
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        fd = open(path, flags, 0o600)
        return fd
    }
}
