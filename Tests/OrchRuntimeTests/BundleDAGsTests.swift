import Foundation
import OrchCore
@testable import OrchRuntime
import Testing

/// A bundle's DAG registry: a lazy DAG is built when asked for, once; the plain list all together, once, and only
/// when a DAG outside the lazy ones is asked for; `describe` gets every DAG, lazy first; a LazyDAG that builds a
/// DAG with another id is refused with a message naming both.
@Suite struct BundleDAGsTests {
    /// Counts builds by DAG id (closures run on the calling thread; the lock is for Sendable).
    final class Builds: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func record(_ id: String) { lock.withLock { counts[id, default: 0] += 1 } }
        var snapshot: [String: Int] { lock.withLock { counts } }
    }

    private func dag(_ id: String) -> DAG { DAG(id) { d in d.task("t") } }

    private func registry(_ builds: Builds, lazyIds: [String] = ["lazy_a", "lazy_b"], listed: [String] = ["plain_a", "plain_b"]) -> BundleDAGs {
        BundleDAGs(listed: {
            builds.record("listed")
            return listed.map { self.dag($0) }
        }, lazy: lazyIds.map { id in LazyDAG(id) { builds.record(id); return DAG(id) { d in d.task("t") } } })
    }

    @Test func aLazyDAGIsBuiltWhenAskedForAndOnlyOnce() {
        let builds = Builds()
        let dags = registry(builds)
        #expect(builds.snapshot.isEmpty, "nothing is built before it is asked for")
        #expect(dags.dag("lazy_a")?.id == "lazy_a")
        #expect(dags.dag("lazy_a")?.task("t") != nil)
        #expect(builds.snapshot == ["lazy_a": 1])
    }

    @Test func thePlainListIsBuiltTogetherOnceForAnyOfItsDAGs() {
        let builds = Builds()
        let dags = registry(builds)
        #expect(dags.dag("plain_b")?.id == "plain_b")
        #expect(dags.dag("plain_a")?.id == "plain_a")
        #expect(dags.dag("missing") == nil)
        #expect(builds.snapshot == ["listed": 1])
    }

    @Test func describeGetsEveryDAGLazyFirstEachBuiltOnce() throws {
        let builds = Builds()
        let dags = registry(builds)
        _ = dags.dag("lazy_b")
        #expect(try dags.all().map(\.id) == ["lazy_a", "lazy_b", "plain_a", "plain_b"])
        #expect(builds.snapshot == ["lazy_a": 1, "lazy_b": 1, "listed": 1])
    }

    @Test func aLazyDAGWinsOverAListedOneWithItsId() throws {
        let builds = Builds()
        let dags = registry(builds, lazyIds: ["shared"], listed: ["shared", "other"])
        #expect(dags.dag("shared") != nil)
        #expect(builds.snapshot == ["shared": 1], "the list is not built for a DAG that is lazy")
        #expect(try dags.all().map(\.id) == ["shared", "shared", "other"], "describe shows both; orch keeps the first")
    }

    @Test func aLazyDAGBuildingAnotherIdIsRefusedNamingBoth() {
        let dags = BundleDAGs(listed: { [] }, lazy: [LazyDAG("declared") { DAG("actual") { d in d.task("t") } }])
        #expect(dags.dag("declared") == nil)
        #expect(dags.dag("actual") == nil)
        #expect {
            try dags.all()
        } throws: { error in
            "\(error)" == "LazyDAG \"declared\" built the DAG \"actual\": a LazyDAG's id must be the id of the DAG it builds"
        }
    }
}
