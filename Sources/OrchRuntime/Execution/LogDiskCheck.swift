#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// When the file system holding an attempt's log is (nearly) full, the sentence that says so, naming the folder;
/// nil otherwise. A task whose output cannot be written fails with a bare exit code or an empty log, so the
/// worker pool adds this to the attempt's error to make the cause readable.
func logDiskFullNote(logPath: String) -> String? {
    let folder = (logPath as NSString).deletingLastPathComponent
    var fs = statvfs()
    guard statvfs(folder, &fs) == 0 else { return nil }
    let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
    guard free < 64 * 1024 else { return nil }
    return "no space left on the log disk (\(free) bytes free under \(folder)); the log is incomplete — free space or move ORCH_HOME/logs"
}
