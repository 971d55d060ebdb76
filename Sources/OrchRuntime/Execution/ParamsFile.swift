#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The file a shell task reads its params from (ORCH_PARAMS_FILE): `<try>.params.json` beside the attempt's
/// log, private to the user (0600), written before the command starts and removed when it ends. Params of any
/// size pass this way; ORCH_PARAMS carries them too when they are small (see `TaskExecutor`).
public enum ParamsFile {
    public static func path(for spec: AttemptSpec) -> String {
        let folder = (spec.logPath as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        if !spec.logPath.hasPrefix("/dev/"), FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue {
            return spec.fileStem + ".params.json"
        }
        // `orch tasks test` logs to stdout: a private temporary file instead.
        return (NSTemporaryDirectory() as NSString).appendingPathComponent("orch-params-\(getpid())-\(UUID().uuidString).json")
    }

    public static func write(_ json: String, to path: String) throws { try PrivateFile.write(json, to: path) }
}

/// A file only its owner can read (0600), written whole.
public enum PrivateFile {
    public static func write(_ text: String, to path: String) throws {
        let json = text
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let bytes = Array(json.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path]) }
            offset += n
        }
    }
}
