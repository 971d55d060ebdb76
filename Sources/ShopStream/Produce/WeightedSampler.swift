import Foundation

/// Draws indices with fixed weights (cumulative table + binary search).
public struct WeightedSampler: Sendable {
    private let cumulative: [Double]

    /// `weights` must be non-empty, each >= 0 and not all zero.
    public init(weights: [Double]) {
        precondition(!weights.isEmpty, "WeightedSampler needs at least one weight")
        var running = 0.0
        cumulative = weights.map { running += max(0, $0); return running }
        precondition(running > 0, "WeightedSampler needs a positive weight")
    }

    /// Zipf-like weights 1/(rank+1)^exponent for `count` items: a few items get most draws.
    public static func zipf(count: Int, exponent: Double) -> WeightedSampler {
        WeightedSampler(weights: (0..<count).map { 1 / pow(Double($0 + 1), exponent) })
    }

    public var count: Int { cumulative.count }

    /// An index in 0..<count.
    public func sample(_ rng: inout SplitMix64) -> Int {
        let target = rng.nextUnit() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
