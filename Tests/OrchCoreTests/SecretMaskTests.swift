import Foundation
import OrchCore
import Testing

/// Issue 11 (defect 2): run conf leaves the process with its secrets masked.
struct SecretMaskTests {
    @Test("values under secret-looking keys are hidden whole, whatever their type",
          arguments: ["password", "DB_PASSWORD", "passwd", "client_secret", "api-token", "warehouse_dsn", "API_KEY",
                      "apikey", "access_token", "private_key", "Authorization", "aws_credentials", "ssh passphrase"])
    func sensitiveKeys(_ key: String) {
        let masked = SecretMask.mask([key: .string("hunter2"), "nested": .object([key: .number(42)])])
        #expect(masked[key] == .string("***"))
        #expect(masked["nested"] == .object([key: .string("***")]))
    }

    @Test("ordinary keys and values are kept as they are")
    func ordinaryValuesKept() {
        let conf: [String: JSONValue] = ["day": .number(3), "target": .string("s3://bucket/path"), "full_refresh": .bool(true),
                                         "url": .string("https://example.com/a?b=c"), "tags": .array([.string("x")]),
                                         "author": .string("Ada"), "null": .null]
        #expect(SecretMask.mask(conf) == conf)
    }

    @Test("passwords inside URLs and libpq strings are masked, the rest of the text is kept", arguments: [
        ("postgresql://orch:s3cret@127.0.0.1:5432/orch_test", "postgresql://orch:***@127.0.0.1:5432/orch_test"),
        ("postgres://u:p%40ss@h/db?sslmode=disable", "postgres://u:***@h/db?sslmode=disable"),
        ("redis://:onlypass@cache:6379/0", "redis://:***@cache:6379/0"),
        ("https://user@example.com/x", "https://user@example.com/x"),
        ("a=postgresql://a:1@h/x b=mysql://b:2@h2/y", "a=postgresql://a:***@h/x b=mysql://b:***@h2/y"),
        ("host=db port=5432 user=orch password=s3cret dbname=w", "host=db port=5432 user=orch password=*** dbname=w"),
        ("host=db PASSWORD = 'with space' user=x", "host=db PASSWORD = *** user=x"),
        ("Server=x;Pwd=abc;Database=y", "Server=x;Pwd=***;Database=y"),
        ("no secrets here: compass=north", "no secrets here: compass=north"),
    ])
    func passwordsInText(_ input: String, _ expected: String) {
        #expect(SecretMask.maskText(input) == expected)
        #expect(SecretMask.mask(["conn": .string(input)])["conn"] == .string(expected))
    }

    @Test("arrays of objects are walked")
    func arraysWalked() {
        let conf: [String: JSONValue] = ["targets": .array([.object(["name": .string("a"), "token": .string("t1")]),
                                                            .string("mysql://root:pw@h/db")])]
        #expect(SecretMask.mask(conf) == ["targets": .array([.object(["name": .string("a"), "token": .string("***")]),
                                                             .string("mysql://root:***@h/db")])])
    }
}
