import Foundation
import OrchCore

/// Small values tasks pass to each other (at most `SQLiteStateStore.maxXComBytes` of JSON each).
public protocol XComStateStore: Sendable {
    func pushXCom(runPk: Int64, taskId: String, key: String, value: JSONValue, now: Date) throws
    func pullXCom(runPk: Int64, taskId: String, key: String) throws -> JSONValue?
    /// By task id, then key.
    func xcoms(runPk: Int64) throws -> [(taskId: String, key: String, value: JSONValue)]
}
