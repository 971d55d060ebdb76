import Foundation
import OrchCore

/// A manifest cut into its DAG entries and the rest, without parsing it: where each element of the top-level
/// `"dags"` array starts and ends (``JSONSpans``, which skips strings and counts brackets).
///
/// Decoding a 3.8 MB manifest in one `JSONDecoder` call held ~13 MB of the decoder's temporaries at once with the
/// decoded DAGs allocated in between, so the serve process kept pages of them after the temporaries were freed.
/// Decoded one entry at a time, each DAG's temporaries are small and freed before the next. The scan checks only
/// what it needs to find the entries: the decoder reads each entry and the rest, and reports what is malformed.
struct ManifestDAGSlices {
    /// The byte ranges of the DAG entries, in order (indices of the manifest's `Data`).
    let dags: [Range<Data.Index>]
    /// The manifest with an empty `"dags"` array.
    let rest: Data

    /// nil when `data` is not an object with one `"dags"` array the scan can follow (the caller then decodes it
    /// whole, which reports what is wrong).
    init?(_ data: Data) {
        let bytes = [UInt8](data)
        guard let members = try? JSONSpans.objectMembers(bytes, in: bytes.indices) else { return nil }
        let arrays = members.filter { $0.0 == "dags" }.map(\.1)
        guard arrays.count == 1, let array = arrays.first, bytes[array.lowerBound] == UInt8(ascii: "["),
              let entries = try? JSONSpans.arrayElements(bytes, array.lowerBound).elements else { return nil }
        let base = data.startIndex
        dags = entries.map { (base + $0.lowerBound)..<(base + $0.upperBound) }
        var rest = Data(data[base...(base + array.lowerBound)])
        rest.append(data[(base + array.upperBound - 1)...])
        self.rest = rest
    }
}
