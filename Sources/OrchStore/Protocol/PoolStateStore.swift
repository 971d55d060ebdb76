import Foundation

/// Pools: named slot limits shared by tasks (`default_pool` has 128).
public protocol PoolStateStore: Sendable {
    func pools() throws -> [String: Int]
    func setPool(_ name: String, slots: Int, description: String) throws
}
