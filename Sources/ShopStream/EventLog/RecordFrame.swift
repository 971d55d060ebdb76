/// The on-disk framing of one record in a segment file. All integers are little-endian.
///
/// ```
/// u32  bodyLength   bytes that follow the 8-byte header
/// u32  crc32        CRC-32 of the body
/// body:
///   i64  offset
///   i64  timestampMillis
///   i32  keyLength  (-1 for a keyless message)
///   ...  key bytes (UTF-8)
///   ...  payload (the rest of the body)
/// ```
///
/// A record is valid when its header fits in the file, its body length is plausible, the CRC matches and the
/// offset is the one expected next; anything else at the end of the active segment is a torn write.
enum RecordFrame {
    static let headerSize = 8
    static let fixedBodySize = 20
    /// Bodies larger than this are treated as garbage rather than allocated.
    static let maxBodySize = 64 << 20

    /// Appends the frame of one record to `buffer`.
    static func encode(offset: Int64, timestampMillis: Int64, key: String?, payload: [UInt8], into buffer: inout [UInt8]) {
        let keyBytes = key.map { Array($0.utf8) }
        let bodyLength = fixedBodySize + (keyBytes?.count ?? 0) + payload.count
        let start = buffer.count
        appendLE(UInt32(bodyLength), to: &buffer)
        appendLE(UInt32(0), to: &buffer)  // CRC, patched below
        appendLE(UInt64(bitPattern: offset), to: &buffer)
        appendLE(UInt64(bitPattern: timestampMillis), to: &buffer)
        appendLE(UInt32(bitPattern: Int32(keyBytes.map { $0.count } ?? -1)), to: &buffer)
        if let keyBytes { buffer.append(contentsOf: keyBytes) }
        buffer.append(contentsOf: payload)
        let crc = buffer.withUnsafeBytes { raw in
            CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[(start + headerSize)...]))
        }
        buffer[start + 4] = UInt8(truncatingIfNeeded: crc)
        buffer[start + 5] = UInt8(truncatingIfNeeded: crc >> 8)
        buffer[start + 6] = UInt8(truncatingIfNeeded: crc >> 16)
        buffer[start + 7] = UInt8(truncatingIfNeeded: crc >> 24)
    }

    /// Result of looking at the bytes at one position.
    enum Decoded {
        /// A whole, valid record and the size of its frame.
        case record(offset: Int64, timestampMillis: Int64, key: String?, payload: [UInt8], frameSize: Int)
        /// Not enough bytes for the header or the declared body (a torn tail, or the buffer needs more data).
        case incomplete(needed: Int)
        /// The bytes are not a valid record (bad length, checksum or key).
        case invalid(reason: String)
    }

    /// Decodes the frame starting at `bytes[0]`. `decodePayload: false` skips copying key and payload.
    static func decode(_ bytes: UnsafeRawBufferPointer, decodePayload: Bool = true) -> Decoded {
        guard bytes.count >= headerSize else { return .incomplete(needed: headerSize) }
        let bodyLength = Int(readLE32(bytes, 0))
        guard bodyLength >= fixedBodySize, bodyLength <= maxBodySize else {
            return .invalid(reason: "implausible record length \(bodyLength)")
        }
        let frameSize = headerSize + bodyLength
        guard bytes.count >= frameSize else { return .incomplete(needed: frameSize) }
        let body = UnsafeRawBufferPointer(rebasing: bytes[headerSize..<frameSize])
        let stored = readLE32(bytes, 4)
        let actual = CRC32.checksum(body)
        guard stored == actual else {
            return .invalid(reason: "checksum mismatch (stored \(stored), computed \(actual))")
        }
        let offset = Int64(bitPattern: readLE64(body, 0))
        let timestamp = Int64(bitPattern: readLE64(body, 8))
        let keyLength = Int(Int32(bitPattern: readLE32(body, 16)))
        guard keyLength >= -1, fixedBodySize + max(keyLength, 0) <= bodyLength else {
            return .invalid(reason: "key length \(keyLength) does not fit the record")
        }
        guard decodePayload else {
            return .record(offset: offset, timestampMillis: timestamp, key: nil, payload: [], frameSize: frameSize)
        }
        var key: String?
        if keyLength >= 0 {
            let keyBytes = UnsafeRawBufferPointer(rebasing: body[fixedBodySize..<(fixedBodySize + keyLength)])
            guard let k = String(validating: keyBytes, as: UTF8.self) else {
                return .invalid(reason: "key is not UTF-8")
            }
            key = k
        }
        let payload = [UInt8](body[(fixedBodySize + max(keyLength, 0))...])
        return .record(offset: offset, timestampMillis: timestamp, key: key, payload: payload, frameSize: frameSize)
    }

    private static func appendLE(_ v: UInt32, to buffer: inout [UInt8]) {
        buffer.append(UInt8(truncatingIfNeeded: v))
        buffer.append(UInt8(truncatingIfNeeded: v >> 8))
        buffer.append(UInt8(truncatingIfNeeded: v >> 16))
        buffer.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    private static func appendLE(_ v: UInt64, to buffer: inout [UInt8]) {
        appendLE(UInt32(truncatingIfNeeded: v), to: &buffer)
        appendLE(UInt32(truncatingIfNeeded: v >> 32), to: &buffer)
    }

    private static func readLE32(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    private static func readLE64(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        UInt64(readLE32(b, i)) | UInt64(readLE32(b, i + 4)) << 32
    }
}
