import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves files under a root directory for GET and HEAD requests whose path starts with `urlPrefix`.
///
/// Never serves anything outside `root`: paths with `.` or `..` segments (also when they arrived percent-encoded,
/// since the server decodes before this runs), empty segments (`//etc/passwd`), backslashes or NUL bytes are refused
/// with 400, and a path whose real location (symlinks resolved) is outside the real root is answered 404.
/// `/` (and any directory) serves its `index.html`. Responses carry Content-Type, Cache-Control (`no-cache` for HTML,
/// five minutes for assets), ETag and Last-Modified, and conditional requests get 304.
public struct StaticFiles: Sendable {
    /// The root directory with symlinks resolved (as given when it does not exist).
    public let root: String
    /// Requests under this prefix are looked up; it always ends with `/`.
    public let urlPrefix: String

    public init(root: String, urlPrefix: String = "/") {
        self.root = StaticFiles.realPath(root) ?? root
        self.urlPrefix = urlPrefix.hasSuffix("/") ? urlPrefix : urlPrefix + "/"
    }

    /// The file response, an error for a refused path, or nil when the request is not for a file here
    /// (another method, another prefix, or no such file) so the caller can try something else.
    public func handle(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        let path = request.path == String(urlPrefix.dropLast()) ? urlPrefix : request.path
        guard path.hasPrefix(urlPrefix) else { return nil }
        let relative = String(path.dropFirst(urlPrefix.count))
        guard StaticFiles.isSafe(relative) else {
            return .error(400, "path '\(request.path)' is not allowed: no '.', '..', empty segments, '\\' or NUL")
        }
        guard var resolved = StaticFiles.realPath(root + "/" + relative) else { return nil }
        guard isInsideRoot(resolved) else { return .error(404, "not found: \(request.path)") }
        var info = stat()
        guard stat(resolved, &info) == 0 else { return nil }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            guard let index = StaticFiles.realPath(resolved + "/index.html"), isInsideRoot(index),
                  stat(index, &info) == 0 else { return nil }
            resolved = index
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return respond(file: resolved, info: info, request: request)
    }

    private func respond(file: String, info: stat, request: HTTPRequest) -> HTTPResponse {
        let modified = Int(info.st_mtim.tv_sec)
        let etag = "W/\"\(String(info.st_size, radix: 16))-\(String(modified, radix: 16))-"
            + "\(String(info.st_mtim.tv_nsec, radix: 16))\""
        var headers = [
            "Content-Type": MediaTypes.contentType(forFile: file),
            "Cache-Control": MediaTypes.cacheControl(forFile: file),
            "ETag": etag,
            "Last-Modified": HTTPDate.format(secondsSince1970: modified),
        ]
        if let ifNoneMatch = request.header("If-None-Match") {
            let tags = ifNoneMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if tags.contains(etag) || tags.contains("*") {
                return HTTPResponse(status: 304, headers: headers.filter { $0.key != "Content-Type" })
            }
        } else if let since = request.header("If-Modified-Since").flatMap(HTTPDate.parse), modified <= since {
            return HTTPResponse(status: 304, headers: headers.filter { $0.key != "Content-Type" })
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            return .error(500, "could not read \(request.path)")
        }
        headers["Content-Length"] = String(data.count)
        return HTTPResponse(status: 200, headers: headers, body: [UInt8](data))
    }

    private func isInsideRoot(_ resolved: String) -> Bool {
        resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/")
    }

    static func isSafe(_ relative: String) -> Bool {
        if relative.contains("\0") || relative.contains("\\") { return false }
        let segments = relative.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment == "." || segment == ".." { return false }
            if segment.isEmpty && index != segments.count - 1 { return false }
        }
        return true
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
