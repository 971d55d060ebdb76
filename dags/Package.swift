// swift-tools-version:6.0
import PackageDescription

// The dags/ bundle: a package of its own that depends on orch's SDK and the ShopStream helpers by path, as a team's
// own bundle would (by path or by URL). orch builds it with `swift build -c release` and runs its executable.
let package = Package(
    name: "dags",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "orch", path: ".."),
    ],
    targets: [
        .executableTarget(name: "DAGs", dependencies: [
            .product(name: "OrchSDK", package: "orch"),
            .product(name: "ShopStream", package: "orch"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
