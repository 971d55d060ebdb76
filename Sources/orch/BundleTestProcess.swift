import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime

/// Runs the DAG's bundle executable (as `loaded` found it) with `arguments` and `spec` in its environment, its output this command's;
/// throws `ExitCode(1)` unless it exits 0, and says so when a signal killed it (a task that crashed it).
func runInBundle(_ loaded: LoadedBundles, spec: AttemptSpec, arguments: [String]) throws {
    guard let executable = loaded.executables[spec.dagId] else {
        throw CLIError("DAG '\(spec.dagId)' has no bundle executable")
    }
    var env = TaskEnvironment.base(ProcessInfo.processInfo.environment)
    env["ORCH_HOME"] = spec.home
    env[AttemptSpec.environmentKey] = spec.encoded()
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.environment = env
    try p.run()
    p.waitUntilExit()
    if p.terminationReason == .uncaughtSignal {
        throw CLIError("the bundle process (\(executable)) was killed by signal \(p.terminationStatus) (\(signalName(p.terminationStatus)))")
    }
    if p.terminationStatus != 0 { throw ExitCode(1) }
}
