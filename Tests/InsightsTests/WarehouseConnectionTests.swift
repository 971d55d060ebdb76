import Foundation
import Testing
@testable import orch_dags

/// shopstream_daily's tasks read the warehouse through the named connection `warehouse`, as the dashboard does.
@Suite("shopstream_daily's warehouse connection")
struct WarehouseConnectionTests {
    static func home(connections: String?) throws -> String {
        let dir = NSTemporaryDirectory() + "orch-conn-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let connections { try Data(connections.utf8).write(to: URL(fileURLWithPath: dir + "/connections.json")) }
        return dir
    }

    @Test("ORCH_CONN_WAREHOUSE, then connections.json, then ORCH_WAREHOUSE_DSN; none: the fallbacks apply")
    func order() throws {
        let withFile = try Self.home(connections: #"{"warehouse": "host=file dbname=w"}"#)
        let bare = try Self.home(connections: nil)
        defer { try? FileManager.default.removeItem(atPath: withFile); try? FileManager.default.removeItem(atPath: bare) }
        let env = ["ORCH_CONN_WAREHOUSE": "host=env dbname=w", "ORCH_WAREHOUSE_DSN": "host=legacy dbname=w"]
        #expect(try ShopStreamConfig.warehouseConnection(home: withFile, env: env) == "host=env dbname=w")
        #expect(try ShopStreamConfig.warehouseConnection(home: withFile, env: ["ORCH_WAREHOUSE_DSN": "x"]) == "host=file dbname=w")
        #expect(try ShopStreamConfig.warehouseConnection(home: bare, env: ["ORCH_WAREHOUSE_DSN": "host=legacy"]) == "host=legacy")
        #expect(try ShopStreamConfig.warehouseConnection(home: bare, env: [:]) == nil)
    }

    @Test("a connections.json that cannot be read is an error, not a reason to write elsewhere")
    func malformed() throws {
        let dir = try Self.home(connections: "not json")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: (any Error).self) { try ShopStreamConfig.warehouseConnection(home: dir, env: [:]) }
    }
}
