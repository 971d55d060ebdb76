import Foundation

/// A time zone by its IANA name. UTC, which nearly every DAG uses, is answered as a fixed zero offset:
/// `TimeZone(identifier:)` opens ICU's zone data even for "UTC", about 2 MB of every process's memory that reads
/// a DAG (`orch run`, `orch trigger`), while the fixed zone is Foundation's own.
public enum NamedTimeZone {
    /// The names of UTC that are answered without ICU (IANA links of Etc/UTC and Etc/GMT).
    public static let utcNames: Set<String> = ["UTC", "Etc/UTC", "GMT", "Etc/GMT"]

    /// nil when `name` is not a time zone ICU knows.
    public static func named(_ name: String) -> TimeZone? {
        utcNames.contains(name) ? TimeZone(secondsFromGMT: 0) : TimeZone(identifier: name)
    }
}
