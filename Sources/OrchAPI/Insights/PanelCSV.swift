/// A panel's rows as CSV (RFC 4180): a header of column names, values quoted when they need it. A text cell that a
/// spreadsheet would read as a formula (`=`, `+`, `-`, `@` and not a number) gets a leading `'`.
enum PanelCSV {
    static func encode(columns: [String], rows: [[String?]]) -> String {
        var out = columns.map(field).joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map { $0.map(field) ?? "" }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func field(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@".contains(first), Double(v) == nil { v = "'" + v }
        guard v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
