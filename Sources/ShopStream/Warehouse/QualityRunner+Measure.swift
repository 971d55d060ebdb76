import Foundation

extension QualityRunner {
    /// Evaluates one check and returns its result without recording it in `quality.check_results` (for checks that
    /// orch records itself, per asset: shopstream_daily's asset checks).
    public func measure(_ check: QualityCheck, start: Date, end: Date, now: Date = Date()) throws -> QualityResult {
        let (count, details) = try evaluate(check, start: start, end: end, now: now)
        return QualityResult(name: check.name, kind: check.kindName, status: count == 0 ? .pass : .fail,
                             observed: String(count), details: details)
    }
}
