@testable import OrchRuntime
import Testing

/// How orch builds a bundle folder (pure): release, with the Swift runtime linked in unless switched off.
struct BundleBuilderTests {
    @Test func aBundleIsBuiltForReleaseWithTheSwiftRuntimeLinkedIn() {
        #expect(BundleBuilder.buildArguments(product: "my-dags", environment: [:])
                == ["build", "-c", "release", "--static-swift-stdlib", "--product", "my-dags"])
        #expect(BundleBuilder.buildArguments(product: "my-dags", environment: ["ORCH_BUNDLE_STATIC_STDLIB": "1"])
                == ["build", "-c", "release", "--static-swift-stdlib", "--product", "my-dags"])
    }

    @Test func zeroBuildsItAgainstTheToolchainsSharedLibraries() {
        #expect(BundleBuilder.buildArguments(product: "my-dags", environment: ["ORCH_BUNDLE_STATIC_STDLIB": "0"])
                == ["build", "-c", "release", "--product", "my-dags"])
    }
}
