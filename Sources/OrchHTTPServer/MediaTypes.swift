/// Content types and cache policy for static files, by file extension.
enum MediaTypes {
    static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "json": "application/json",
        "map": "application/json",
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "ico": "image/x-icon",
        "woff2": "font/woff2",
        "woff": "font/woff",
        "txt": "text/plain; charset=utf-8",
        "yaml": "application/yaml",
        "yml": "application/yaml",
    ]

    /// The Content-Type for a file name; unknown extensions are served as opaque bytes.
    static func contentType(forFile name: String) -> String {
        byExtension[fileExtension(name)] ?? "application/octet-stream"
    }

    /// HTML is revalidated on every load (so a new deploy shows at once); other assets may be cached briefly.
    static func cacheControl(forFile name: String) -> String {
        let ext = fileExtension(name)
        return ext == "html" || ext == "htm" ? "no-cache" : "public, max-age=300"
    }

    private static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
