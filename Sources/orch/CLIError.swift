/// A failure while a command runs (no such DAG, run or task; a run not in a state that allows the action).
/// swift-argument-parser prints it as `Error: <message>` and exits 1, without the usage text:
/// that, with exit status 64, stays for `ValidationError`, the errors in how a command was typed.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) { description = message }
}
