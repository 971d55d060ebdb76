import Foundation

/// Calls a worker-API request again while its failure is transient (``WorkerAPIError/isTransient(_:)``: the
/// server restarting), waiting 0.5 s, 1 s, 2 s … up to `maxDelay` between calls, until `giveUp`.
enum TransientRetry {
    enum Stop: Error { case byCaller }

    /// `body`'s value, or the error that ended the tries: a permanent one, the last transient one once `giveUp`
    /// passed, or ``Stop/byCaller`` when `waiting` (called before each wait with the error and the delay)
    /// returns false.
    static func run<T>(giveUp: Date, maxDelay: Double = 5, now: () -> Date = Date.init,
                       sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
                       waiting: (Error, Double) -> Bool, _ body: () throws -> T) throws -> T {
        var delay = 0.5
        while true {
            do { return try body() } catch {
                guard WorkerAPIError.isTransient(error), now() < giveUp else { throw error }
                guard waiting(error, delay) else { throw Stop.byCaller }
                sleep(delay)
                delay = min(delay * 2, maxDelay)
            }
        }
    }
}
