import Foundation
import OrchSQLite

/// Whether an error says the disk is full (or failing): SQLite's SQLITE_FULL/SQLITE_IOERR, or a file write out of
/// space. One rule for the web server's storage guard (health 503, triggers 507) and for start-up, which waits for
/// space instead of ending the process.
public enum DiskFull {
    public static func caused(_ error: Error) -> Bool {
        if let e = error as? SQLiteError { return e.isDiskProblem }
        if let e = error as? CocoaError { return e.code == .fileWriteOutOfSpace }
        if let e = error as? POSIXError { return e.code == .ENOSPC }
        return false
    }
}
