import ArgumentParser
import Foundation
import OrchRuntime
import OrchStore
import ShopStream
import ShopStreamSourceServer

struct ShopStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shopstream", abstract: "Tools for the shopstream_daily pipeline.",
        subcommands: [ServeSource.self, Topics.self])

    /// Serves the bundled DummyJSON snapshot on loopback, as the source of shopstream_daily.
    struct ServeSource: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve-source",
            abstract: "Serve the bundled DummyJSON snapshot (users, products, carts, posts) on 127.0.0.1.",
            discussion: "Fault injection for tests: SHOPSTREAM_FAULTS (see Sources/ShopStreamSourceServer/Faults.swift).")
        @Option(help: "Port (0 picks a free one).") var port = 8090
        @Option(help: "Folder with users.json, products.json, carts.json, posts.json; default: the repository's fixtures/dummyjson.")
        var fixtures: String?

        func run() async throws {
            let dir = try fixtures ?? locateFixtures()
            let faults = try ProcessInfo.processInfo.environment["SHOPSTREAM_FAULTS"].map(Faults.parse) ?? .none
            let server = try DummyJSONServer(fixturesDirectory: dir, port: port, faults: faults)
            try server.start()
            print("serving \(dir) at \(server.baseURL)")
            let signal = AsyncSignal()
            installStopHandlers { signal.notify() }
            await signal.wait(timeout: .greatestFiniteMagnitude)
            server.stop()
        }
    }

    /// Topics, partitions and offsets of the pipeline's event log.
    struct Topics: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "topics", abstract: "Show the event log's topics, partitions and offsets.")
        func run() throws {
            let ctx = try CLIContext()
            // Where shopstream_daily's tasks keep it: SHOPSTREAM_DATA_DIR, else ORCH_HOME/data/shopstream.
            let data = ProcessInfo.processInfo.environment["SHOPSTREAM_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? ctx.home.dataDirectory.appendingPathComponent("shopstream").path
            let dir = data + "/eventlog"
            guard FileManager.default.fileExists(atPath: dir) else {
                print("no event log yet at \(dir); run shopstream_daily first")
                return
            }
            print(try SegmentEventLog(directory: dir).describeTopics())
        }
    }
}

/// `fixtures/dummyjson`, found by walking up from the binary and the working directory.
func locateFixtures() throws -> String {
    guard let found = BundledFolder.locate("fixtures/dummyjson", containing: "users.json") else {
        throw ValidationError("cannot find fixtures/dummyjson; pass --fixtures DIR")
    }
    return found.path
}
