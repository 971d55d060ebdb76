import Crypto
import Foundation

/// GitHub's webhook signature scheme: `sha256=` and the hex HMAC-SHA256 of the exact body bytes.
public enum WebhookSignature {
    public static let header = "X-Orch-Signature"

    public static func sign(body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a received signature in constant time (what a receiver does).
    public static func verify(body: [UInt8], secret: String, signature: String) -> Bool {
        let expected = Array(sign(body: body, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
