import Foundation

/// A task's running limit (an alert threshold, not a timeout): an attempt running longer than `seconds` raises
/// one "deadline missed" alert and goes on running.
public struct RunningLimit: Sendable, Equatable {
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// When an attempt started at `startedAt` goes over the limit.
    public func exceededAt(startedAt: Date) -> Date { startedAt.addingTimeInterval(seconds) }

    public func isExceeded(startedAt: Date, now: Date) -> Bool { now >= exceededAt(startedAt: startedAt) }
}
