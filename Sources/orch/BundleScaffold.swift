/// The files of a new bundle (`orch init`): a package with a library of DAGs, the executable that hands them to
/// orch, and a test that validates them.
enum BundleScaffold {
    /// A Swift module name from a folder name: letters and digits kept, the rest dropped, first letter upper-cased.
    static func moduleName(_ folder: String) -> String {
        let parts = folder.split { !($0.isLetter || $0.isNumber) || !$0.isASCII }
        let joined = parts.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        guard let first = joined.first, first.isLetter else { return "Bundle" + joined }
        return joined
    }

    static func files(name: String, dependency: String) -> [(String, String)] {
        let dagId = "hello_\(name.lowercased())"
        return [
            ("Package.swift", """
            // swift-tools-version:6.0
            import PackageDescription

            // A DAG bundle: orch builds the executable, asks it for its DAGs (`describe`) and runs their tasks with it.
            let package = Package(
                name: "\(name)",
                platforms: [.macOS(.v14)],
                dependencies: [
                    \(dependency),
                ],
                targets: [
                    .target(name: "\(name)DAGs", dependencies: [.product(name: "OrchSDK", package: "orch")]),
                    .executableTarget(name: "\(name)", dependencies: ["\(name)DAGs",
                                                                 .product(name: "OrchSDK", package: "orch")]),
                    .testTarget(name: "\(name)DAGsTests", dependencies: ["\(name)DAGs",
                                                                        .product(name: "OrchSDK", package: "orch")]),
                ],
                swiftLanguageModes: [.v6]
            )

            """),
            ("Sources/\(name)/main.swift", """
            import OrchSDK
            import \(name)DAGs

            // The bundle's entry point: orch runs this executable (`describe`, and one attempt per task).
            OrchBundle.main(allDAGs)

            """),
            ("Sources/\(name)DAGs/DAGs.swift", """
            import OrchSDK

            /// Every DAG of this bundle. Add a DAG in a file of its own and list it here.
            public let allDAGs: [DAG] = [hello]

            """),
            ("Sources/\(name)DAGs/Hello.swift", """
            import OrchSDK

            /// An example: a Swift task pushes a value, a shell task runs after it, a third task reads the value.
            let hello = DAG("\(dagId)", description: "Hello from the \(name) bundle", tags: ["\(name.lowercased())"]) { d in
                let greet = d.task("greet") { ctx in
                    ctx.log("hello for \\(ctx.ds)")
                    try ctx.push("greeting", "hello")
                }
                let shell = d.shell("shell", "echo running $ORCH_TASK_ID of $ORCH_DAG_ID")
                let read = d.task("read") { ctx in
                    ctx.log("read \\(try ctx.pull(from: "greet", key: "greeting")?.stringValue ?? "nothing")")
                }
                greet >> shell
                shell >> read
            }

            """),
            ("Tests/\(name)DAGsTests/DAGsTests.swift", """
            import OrchSDK
            import \(name)DAGs
            import Testing

            @Test func everyDAGValidates() {
                #expect(DAGValidator.validate(allDAGs).isEmpty, "\\(DAGValidator.validate(allDAGs))")
            }

            """),
            (".gitignore", ".build/\nPackage.resolved\n"),
        ]
    }
}
