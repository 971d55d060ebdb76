import OrchCore
import Testing

@Suite("A default connect_timeout for warehouse connection strings")
struct ConnectTimeoutTests {
    @Test(arguments: [
        ("postgresql://u:p@127.0.0.1:5432/w", "postgresql://u:p@127.0.0.1:5432/w?connect_timeout=5"),
        ("postgres://h/w?sslmode=disable", "postgres://h/w?sslmode=disable&connect_timeout=5"),
        ("postgresql://h/w?", "postgresql://h/w?connect_timeout=5"),
        ("postgresql://h/w?connect_timeout=30", "postgresql://h/w?connect_timeout=30"),
        ("postgresql://h/w?sslmode=disable&connect_timeout=2", "postgresql://h/w?sslmode=disable&connect_timeout=2"),
        ("host=h dbname=w", "connect_timeout=5 host=h dbname=w"),
        ("host=h connect_timeout=9 dbname=w", "host=h connect_timeout=9 dbname=w"),
        ("host=h connect_timeout = 9", "host=h connect_timeout = 9"),
        ("host=h password='connect_timeout=1' dbname=w", "connect_timeout=5 host=h password='connect_timeout=1' dbname=w"),
        ("", "connect_timeout=5"),
    ])
    func applied(conninfo: String, expected: String) {
        #expect(ConnectTimeout.applied(to: conninfo, seconds: 5) == expected)
    }

    @Test func theEnvironmentsTimeoutStandsForAnEmptyString() {
        #expect(ConnectTimeout.applied(to: "", seconds: 5, environment: ["PGCONNECT_TIMEOUT": "12"]) == "")
    }
}
