/// Walks the frames of one segment file sequentially from a byte position, reading the file in large chunks.
struct FrameCursor {
    static let chunkSize = 1 << 20

    private let file: SegmentFile
    private var buffer: [UInt8] = []
    /// File position of `buffer[0]`.
    private var bufferStart: Int
    /// Index in `buffer` of the next frame.
    private var cursor = 0

    init(file: SegmentFile, position: Int) {
        self.file = file
        self.bufferStart = position
    }

    /// File position of the next frame.
    var position: Int { bufferStart + cursor }

    /// The next frame and its file position, or nil at the clean end of the file. `.incomplete` means the file ends
    /// inside a frame; `.invalid` that the bytes are not a record. The cursor does not move past those.
    mutating func next(decodePayload: Bool = true) throws -> (frame: RecordFrame.Decoded, position: Int)? {
        while true {
            let start = position
            let decoded = buffer.withUnsafeBytes { raw in
                RecordFrame.decode(UnsafeRawBufferPointer(rebasing: raw[cursor...]), decodePayload: decodePayload)
            }
            switch decoded {
            case .record(_, _, _, _, let frameSize):
                cursor += frameSize
                return (decoded, start)
            case .invalid:
                return (decoded, start)
            case .incomplete(let needed):
                let available = buffer.count - cursor
                let loadedEnd = bufferStart + buffer.count
                if loadedEnd >= file.size {
                    return available == 0 ? nil : (decoded, start)
                }
                let more = try file.read(at: loadedEnd, count: max(FrameCursor.chunkSize, needed - available))
                if more.isEmpty { return available == 0 ? nil : (decoded, start) }
                buffer = Array(buffer[cursor...]) + more
                bufferStart = start
                cursor = 0
            }
        }
    }
}
