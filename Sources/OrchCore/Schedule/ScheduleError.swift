import Foundation

/// Why a schedule text was rejected. `field` names the part that is wrong (`minute`, `hour`, `day-of-month`,
/// `month`, `day-of-week`, `preset`, `interval`), or is nil when the text as a whole is wrong (empty, wrong number
/// of fields). `message` is complete on its own, e.g. `minute field '61': value 61 out of range 0-59`.
public struct ScheduleError: Error, Hashable, CustomStringConvertible, Sendable {
    public let field: String?
    public let message: String

    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
