import Foundation
import OrchCore
import OrchStore

/// A test run's or test attempt's inputs (`orch tasks test`, `orch dags test`, a bundle executable's own
/// `dags test`), parsed and turned into the attempt spec they run with. Nothing here touches a database.
public struct TestRunOptions: Sendable, Equatable {
    public var logicalDate: Date?
    public var conf: [String: JSONValue] = [:]
    public var markSuccessPattern: String?

    public init(logicalDate: Date? = nil, conf: [String: JSONValue] = [:], markSuccessPattern: String? = nil) {
        self.logicalDate = logicalDate
        self.conf = conf
        self.markSuccessPattern = markSuccessPattern
    }

    /// A bundle executable's `dags test DAG [LOGICAL_DATE] [-c JSON|@FILE] [--mark-success-pattern RE]` after the DAG.
    public static func parse(_ arguments: [String]) throws(TestRunOptionError) -> TestRunOptions {
        var options = TestRunOptions()
        // `--conf=JSON` as `--conf JSON`, as ArgumentParser reads `orch dags test`'s options.
        var rest = arguments.flatMap { a -> [String] in
            guard a.hasPrefix("--"), let eq = a.firstIndex(of: "=") else { return [a] }
            return [String(a[..<eq]), String(a[a.index(after: eq)...])]
        }[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "-c", "--conf":
                guard let value = rest.popFirst() else { throw TestRunOptionError("\(argument) needs a JSON object") }
                options.conf = try conf(value)
            case "--mark-success-pattern":
                guard let value = rest.popFirst() else { throw TestRunOptionError("--mark-success-pattern needs a regular expression") }
                options.markSuccessPattern = value
            case _ where argument.hasPrefix("-"):
                throw TestRunOptionError("unknown option \(argument); dags test DAG [LOGICAL_DATE] [-c JSON] [--mark-success-pattern RE]")
            default:
                guard options.logicalDate == nil else { throw TestRunOptionError("one logical date only; got another: \(argument)") }
                do { options.logicalDate = try ISODate.parse(argument) } catch { throw TestRunOptionError("\(error)") }
            }
        }
        return options
    }

    /// `--conf`: a JSON object, or `@FILE` to read it from a file (a conf larger than one command-line argument holds).
    public static func conf(_ text: String) throws(TestRunOptionError) -> [String: JSONValue] {
        var json = text
        if text.hasPrefix("@") {
            let path = String(text.dropFirst())
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TestRunOptionError("--conf @\(path): cannot read the file")
            }
            json = contents
        }
        guard let value = try? JSONValue.parse(json), let object = value.objectValue else {
            throw TestRunOptionError("--conf must be a JSON object, like '{\"key\": \"value\"}'")
        }
        return object
    }

    /// The ids of `dag`'s tasks that `markSuccessPattern` matches from the id's start (Python's `re.match`, as
    /// Airflow's `--mark-success-pattern`); none without a pattern.
    public func markedTasks(of dag: DAG) throws(TestRunOptionError) -> Set<String> {
        guard let pattern = markSuccessPattern else { return [] }
        let regex: Regex<AnyRegexOutput>
        do { regex = try Regex(pattern) } catch {
            throw TestRunOptionError("--mark-success-pattern '\(pattern)' is not a regular expression: \(error)")
        }
        return Set(dag.tasks.map(\.id).filter { $0.prefixMatch(of: regex) != nil })
    }

    /// The spec a test runs with: run id `test__<logical date>`, no run row and no database, the log on stdout, the
    /// DAG's params merged with the conf, a manual run's data interval (the logical date defaults to `now`).
    public func spec(dag: DAG, taskId: String, home: String, now: Date = Date(),
                     environment: [String: String] = ProcessInfo.processInfo.environment) -> AttemptSpec {
        let date = logicalDate ?? now
        return AttemptSpec(dagId: dag.id, taskId: taskId, runId: "test__\(UTCFormat.iso(date))", runPk: 0, tryNumber: 1,
                           logicalDate: date,
                           dataInterval: RunFactory.manualInterval(for: dag, logicalDate: logicalDate, triggeredAt: date),
                           params: dag.params.merging(conf) { $1 }, logPath: "/dev/stdout", home: home, databasePath: "",
                           environment: TaskEnvironment.requested(dag.environment, from: environment))
    }
}

/// A test's arguments that cannot be used, said in one sentence.
public struct TestRunOptionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
