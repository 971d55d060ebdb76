import Foundation

/// The continuation token of Airflow's log endpoint: where the next read starts. orch's token is the byte offset
/// in the try's log file, as base64url of `{"log_pos": N}`; it is opaque to clients, as Airflow's signed one is.
struct AirflowLogToken: Equatable {
    let offset: Int

    var encoded: String {
        Data(#"{"log_pos":\#(offset)}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(offset: Int) { self.offset = offset }

    /// Decodes a token this server made; anything else is a 400 (Airflow: "Bad Signature").
    init(decoding text: String) throws {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        struct Body: Decodable { let log_pos: Int }
        guard let data = Data(base64Encoded: base64), let body = try? JSONDecoder().decode(Body.self, from: data),
              body.log_pos >= 0 else {
            throw APIError.badRequest("the log continuation token is not one this server gave; start without 'token'")
        }
        offset = body.log_pos
    }
}
