import OrchCore

/// A minimal JSON writer for the answers that are asked for most (runs pages and the grid): appending bytes
/// directly is several times cheaper than `JSONEncoder` for hundreds of small objects.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<S: Sequence>(_ items: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in items { body(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"name":` inside an object; the value written next belongs to it.
    mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ s: String) { separate(); writeString(s); needsComma = true }
    mutating func int(_ n: Int) {
        separate()
        if n >= 0 && n < 10 { bytes.append(UInt8(ascii: "0") + UInt8(n)) } else { bytes.append(contentsOf: String(n).utf8) }
        needsComma = true
    }
    mutating func bool(_ b: Bool) { separate(); bytes.append(contentsOf: (b ? "true" : "false").utf8); needsComma = true }
    mutating func null() { separate(); bytes.append(contentsOf: "null".utf8); needsComma = true }

    mutating func double(_ d: Double) {
        guard d.isFinite else { return null() }
        separate()
        if d == d.rounded(), abs(d) < 1e15 { bytes.append(contentsOf: String(Int64(d)).utf8) } else {
            bytes.append(contentsOf: d.description.utf8)
        }
        needsComma = true
    }

    /// `"name": value`, or nothing when the value is nil (as `JSONEncoder` does).
    mutating func field(_ name: StaticString, _ value: String?) { if let value { key(name); string(value) } }
    mutating func field(_ name: StaticString, _ value: Int?) { if let value { key(name); int(value) } }
    mutating func field(_ name: StaticString, _ value: Double?) { if let value { key(name); double(value) } }

    /// `"name":` for a key written in the source, which needs no escaping: its bytes are copied as they are.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func json(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n): double(n)
        case .string(let s): string(s)
        case .array(let a): array(a) { w, v in w.json(v) }
        case .object(let o):
            object { w in
                for (k, v) in o.sorted(by: { $0.key < $1.key }) { w.key(k); w.json(v) }
            }
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var plain = s
        let copied = plain.withUTF8 { utf8 -> Bool in   // nearly every string needs no escaping: copy it whole
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
            else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(92); bytes.append(34)
            case UInt8(ascii: "\\"): bytes.append(92); bytes.append(92)
            case 0x0A: bytes.append(92); bytes.append(110)
            case 0x0D: bytes.append(92); bytes.append(114)
            case 0x09: bytes.append(92); bytes.append(116)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A wire type that writes itself with ``JSONWriter`` (the hot paths); others go through `JSONEncoder`.
protocol FastJSON {
    func write(to w: inout JSONWriter)
}

extension RunDTO: FastJSON {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("dag_id", dag_id); w.field("run_id", run_id); w.field("run_type", run_type)
            w.field("state", state); w.field("logical_date", logical_date)
            w.field("data_interval_start", data_interval_start); w.field("data_interval_end", data_interval_end)
            w.key("conf"); w.json(.object(conf))
            w.field("queued_at", queued_at); w.field("start_date", start_date); w.field("end_date", end_date)
            w.field("duration_seconds", duration_seconds)
        }
    }
}

extension RunPageDTO: FastJSON {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("runs"); w.array(runs) { w, run in run.write(to: &w) }
            w.field("total_entries", total_entries); w.field("limit", limit); w.field("offset", offset)
        }
    }
}

extension GridDTO: FastJSON {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("dag_id", dag_id)
            w.key("task_ids"); w.array(task_ids) { w, id in w.string(id) }
            w.key("runs")
            w.array(runs) { w, run in
                w.object { w in
                    w.field("run_id", run.run_id); w.field("run_type", run.run_type); w.field("state", run.state)
                    w.field("logical_date", run.logical_date); w.field("start_date", run.start_date)
                    w.field("end_date", run.end_date)
                    w.key("task_instances")
                    w.array(run.task_instances) { w, cell in
                        w.object { w in
                            w.field("task_id", cell.task_id); w.field("state", cell.state)
                            w.field("try_number", cell.try_number)
                        }
                    }
                }
            }
            w.field("total_runs", total_runs); w.field("limit", limit); w.field("offset", offset)
        }
    }
}
