import CCurl
import Foundation

/// Collects one response from libcurl's callbacks (which run on the calling thread, inside curl_easy_perform).
final class ResponseSink {
    let maxBodyBytes: Int
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var bodyTooLarge = false

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// One raw header line. A status line starts a new header block (after `100 Continue`, say), so only the
    /// final response's headers are kept.
    func addHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
    }
}

/// CURLOPT_WRITEFUNCTION: appends body bytes; returning less than given makes curl stop with CURLE_WRITE_ERROR.
let curlWriteBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let total = size * count
    guard total > 0, let data else { return total }
    if sink.body.count + total > sink.maxBodyBytes {
        sink.bodyTooLarge = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: total) {
        sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: total))
    }
    return total
}

/// CURLOPT_HEADERFUNCTION: called once per raw header line (status line and the blank line included).
let curlWriteHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    let total = size * count
    guard let context, let data, total > 0 else { return total }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let line = data.withMemoryRebound(to: UInt8.self, capacity: total) {
        String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
    }
    sink.addHeaderLine(line)
    return total
}
