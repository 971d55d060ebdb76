import Foundation

/// How runs are named, in one place: generated ids, the check of an id a user chose, and what to try when a
/// generated id is taken.
public enum RunIdRule {
    /// `manual__2026-11-21T08:00:00Z`; a logical date with a fraction of a second keeps it to the microsecond
    /// (`manual__2026-11-21T08:00:00.123456Z`), so triggers within the same second get different ids.
    public static func generated(_ type: RunType, logicalDate: Date) -> String {
        "\(type.rawValue)__\(UTCFormat.isoMicros(logicalDate))"
    }

    /// The id to try on the `attempt`-th try (1 is the id itself, then `<id>_2`, `<id>_3`, …) when a generated id
    /// is already used by another run of the DAG.
    public static func candidate(_ base: String, attempt: Int) -> String {
        attempt <= 1 ? base : "\(base)_\(attempt)"
    }

    /// How many generated ids are tried before giving up.
    public static let maxAttempts = 100

    /// Why a run id chosen by a user is refused, or nil: 1-250 characters, no `/`, no control characters.
    public static func problem(with runId: String) -> String? {
        guard !runId.isEmpty, runId.count <= 250, !runId.contains("/"),
              !runId.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return "a run id must be 1-250 characters without '/' or control characters"
        }
        return nil
    }
}
