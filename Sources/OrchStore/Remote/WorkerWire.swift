import Foundation
import OrchCore

/// The messages of the worker API (`/api/v1/worker/…`, issue 19), shared by the server and `orch worker`. JSON
/// with snake_case keys.
public enum WorkerWire {
    /// The header carrying a lease's fencing token on every call after the lease.
    public static let leaseHeader = "Orch-Lease"
    /// The header of a log chunk: the byte offset in the attempt's log where the chunk starts.
    public static let offsetHeader = "Orch-Log-Offset"
    /// Longest a lease request is held when nothing is offered.
    public static let longestWait: Double = 25

    public struct LeaseRequest: Codable, Sendable {
        public var queues: [String]
        /// How many attempts the worker takes at most (its free slots).
        public var slots: Int
        /// Names the worker process (host and pid), shown beside the token's name.
        public var worker: String
        /// Seconds to hold the request when nothing is offered (at most ``longestWait``).
        public var wait: Double?
        public init(queues: [String], slots: Int, worker: String, wait: Double? = nil) {
            self.queues = queues
            self.slots = slots
            self.worker = worker
            self.wait = wait
        }
    }

    public struct Lease: Codable, Sendable {
        /// The fencing token: present it in ``leaseHeader`` on every later call about this attempt.
        public var token: String
        public var attemptId: Int64
        /// The SHA-256 of the bundle executable to run it with (`GET /worker/bundles/{sha256}`).
        public var bundleSha256: String
        /// The attempt's spec (JSON of `AttemptSpec`; its environment holds only the names of the variables the
        /// DAG asked for, which the worker sets from its own environment).
        public var spec: String
        public var leaseTimeout: Double
        public var heartbeatInterval: Double
        public init(token: String, attemptId: Int64, bundleSha256: String, spec: String, leaseTimeout: Double,
                    heartbeatInterval: Double) {
            self.token = token
            self.attemptId = attemptId
            self.bundleSha256 = bundleSha256
            self.spec = spec
            self.leaseTimeout = leaseTimeout
            self.heartbeatInterval = heartbeatInterval
        }
    }

    public struct LeaseResponse: Codable, Sendable {
        public var leases: [Lease]
        public init(leases: [Lease]) { self.leases = leases }
    }

    public struct HeartbeatResponse: Codable, Sendable {
        /// `terminate` or `kill` when the scheduler wants the attempt stopped (its timeout).
        public var stop: String?
        public init(stop: String?) { self.stop = stop }
    }

    public struct LogResponse: Codable, Sendable {
        /// Bytes of the attempt's log the server holds now: the next chunk's offset.
        public var size: Int
        public init(size: Int) { self.size = size }
    }

    public struct XComPush: Codable, Sendable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }

    public struct XComPulled: Codable, Sendable {
        public var value: JSONValue?
        public init(value: JSONValue?) { self.value = value }
    }

    public struct Complete: Codable, Sendable {
        public var outcome: AttemptOutcome
        public init(outcome: AttemptOutcome) { self.outcome = outcome }
    }

    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        return try e.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: some DataProtocol) throws -> T {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return try d.decode(type, from: Data(data))
    }
}

/// A lease's fencing token: `<attempt id>.<epoch>.<secret>`. The attempt id and epoch say which lease; the
/// secret (stored only as its SHA-256) proves the caller was given it.
public struct FencingToken: Sendable, Hashable {
    public var attemptId: Int64
    public var epoch: Int
    public var secret: String

    public init(attemptId: Int64, epoch: Int, secret: String) {
        self.attemptId = attemptId
        self.epoch = epoch
        self.secret = secret
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, let id = Int64(parts[0]), let epoch = Int(parts[1]), !parts[2].isEmpty else { return nil }
        self.init(attemptId: id, epoch: epoch, secret: parts[2])
    }

    public var text: String { "\(attemptId).\(epoch).\(secret)" }
}
