import Foundation

/// Euro reference rates (units of a currency per 1 EUR) by day, read from the project's ECB file
/// (`fixtures/ecb/eurofxref.csv`, columns `date,currency,per_eur`; see fixtures/ecb/README.md).
///
/// The rate of a day is the one published that day, or the latest published before it (the ECB publishes on TARGET
/// working days only); nil before the first published day.
public struct FXRates: Sendable, Equatable {
    /// Per day (`YYYY-MM-DD`), per currency code, units per 1 EUR.
    public let days: [String: [String: Double]]
    private let sortedDays: [String]
    /// The file's text, for loading it into the warehouse as published.
    public let csv: String

    public init(csv: String) throws {
        var days: [String: [String: Double]] = [:]
        for (n, line) in csv.split(whereSeparator: \.isNewline).enumerated() where n > 0 && !line.isEmpty {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3, f[0].count == 10, f[1].count == 3, let rate = Double(f[2]), rate > 0 else {
                throw SourceError(.invalidArgument, "rates file line \(n + 1) must be 'YYYY-MM-DD,CUR,per_eur', got '\(line)'")
            }
            days[f[0], default: [:]][f[1]] = rate
        }
        self.days = days
        self.sortedDays = days.keys.sorted()
        self.csv = csv
    }

    public init(contentsOf path: String) throws {
        try self.init(csv: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The rates in force on `day`: the day they were published and the table; nil before the first published day.
    public func inForce(on day: String) -> (published: String, perEUR: [String: Double])? {
        guard let published = sortedDays.last(where: { $0 <= day }) else { return nil }
        return (published, days[published] ?? [:])
    }

    /// `amount` in USD expressed in `currency` with the rates in force (EUR has rate 1), rounded to the currency's
    /// minor unit (JPY none, the others cents); nil when a rate is missing.
    public static func convertUSD(_ amount: Double, to currency: String, perEUR: [String: Double]) -> Double? {
        guard let usd = perEUR["USD"] else { return nil }
        let target = currency == "EUR" ? 1.0 : perEUR[currency]
        guard let target else { return nil }
        let value = amount / usd * target
        return currency == "JPY" ? value.rounded() : (value * 100).rounded() / 100
    }
}
