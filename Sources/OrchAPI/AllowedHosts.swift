import Foundation

/// Which `Host` headers the server answers, so that a web page whose DNS name was rebound to this machine cannot
/// read the API from a browser (the browser sends the page's name as the Host).
///
/// Allowed: the bound address itself, the loopback names (`localhost`, `127.0.0.1`, `[::1]`) and every name the
/// operator configured (`--allowed-hosts`, `ORCH_ALLOWED_HOSTS`, comma-separated; `*` allows any). When the server is
/// bound to every interface (`0.0.0.0`) any IP-address Host is allowed too: a rebinding attack needs a DNS name.
/// Names compare case-insensitively, without the port. A request without a Host header (HTTP/1.0) is allowed:
/// browsers always send one. Pure: no I/O.
public struct AllowedHosts: Sendable, Equatable {
    public let names: Set<String>
    public let anyAddress: Bool
    public let any: Bool

    public init(boundAddress: String, configured: [String]) {
        var names: Set<String> = ["localhost", "127.0.0.1", "[::1]", boundAddress.lowercased()]
        var any = false
        for entry in configured {
            let name = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "*" { any = true } else if !name.isEmpty { names.insert(Self.stripPort(name)) }
        }
        self.names = names
        self.any = any
        anyAddress = boundAddress == "0.0.0.0"
    }

    /// Splits `ORCH_ALLOWED_HOSTS` / `--allowed-hosts` text (`a.example,b.example`).
    public static func parseList(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func permits(hostHeader: String?) -> Bool {
        guard !any, let header = hostHeader else { return true }
        let host = Self.stripPort(header.trimmingCharacters(in: .whitespaces).lowercased())
        if names.contains(host) { return true }
        return anyAddress && Self.isIPAddress(host)
    }

    /// `example.com:8080` → `example.com`, `[::1]:8080` → `[::1]`.
    static func stripPort(_ host: String) -> String {
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return host }
            return String(host[...close])
        }
        guard let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isNumber) else {
            return host
        }
        return String(host[..<colon])
    }

    static func isIPAddress(_ host: String) -> Bool {
        if host.hasPrefix("[") && host.hasSuffix("]") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) && Int(p)! <= 255 }
    }

    /// True for `127.x.x.x` (the only binds whose reads stay open without a token).
    public static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "localhost"
    }
}
