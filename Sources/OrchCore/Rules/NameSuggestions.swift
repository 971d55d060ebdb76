/// The known names closest to a name nobody knows, for "no DAG 'x'" errors: a user with hundreds of DAGs gets the
/// few they probably meant, not the whole list. Close means a small edit distance (at most a quarter of the name,
/// at least 2), or one name starting with the other.
public enum NameSuggestions {
    public static func closest(to name: String, among known: [String], limit: Int = 3) -> [String] {
        let wanted = Array(name.lowercased().utf8)
        let most = max(2, wanted.count / 4)
        var scored: [(distance: Int, name: String)] = []
        for candidate in known {
            let other = Array(candidate.lowercased().utf8)
            if other.starts(with: wanted) || wanted.starts(with: other) {
                scored.append((min(most, abs(other.count - wanted.count)), candidate))
            } else if let d = editDistance(wanted, other, atMost: most) {
                scored.append((d, candidate))
            }
        }
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(limit).map(\.name)
    }

    /// Levenshtein distance of `a` and `b`, or nil when it exceeds `atMost`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], atMost: Int) -> Int? {
        if abs(a.count - b.count) > atMost { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }   // within atMost: checked above
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            if current.min()! > atMost { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= atMost ? previous[b.count] : nil
    }
}
