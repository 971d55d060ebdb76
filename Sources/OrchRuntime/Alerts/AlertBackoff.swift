import Foundation

/// When to try a failed delivery again: `base · 2^(attempt-1)` capped at `cap`, stretched by up to
/// `jitter` (a fraction) at random so many alerts to one receiver do not retry in lockstep.
/// Defaults: 1 s, 2 s, 4 s … capped at 5 min.
public struct AlertBackoff: Sendable, Equatable {
    public var base: Double
    public var cap: Double
    public var jitter: Double

    public init(base: Double = 1, cap: Double = 300, jitter: Double = 0.2) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// Seconds to wait after the `attempt`-th failed attempt (1-based); `random` is in 0...1.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let exponent = Double(min(max(attempt, 1) - 1, 40))
        let plain = min(cap, base * pow(2, exponent))
        return min(cap, plain * (1 + jitter * min(max(random, 0), 1)))
    }

    /// What to do after a failed attempt at `now`: retry at a time no later than the alert's age limit,
    /// or give up once that limit is reached.
    public func nextAttempt(afterAttempt attempt: Int, now: Date, createdAt: Date, maxAge: Double,
                            random: Double = Double.random(in: 0...1)) -> Date? {
        let limit = createdAt.addingTimeInterval(maxAge)
        guard now < limit else { return nil }
        return min(limit, now.addingTimeInterval(delay(afterAttempt: attempt, random: random)))
    }
}
