import Foundation
/// A comma-separated list of queue names (`--queues default,gpu`, ORCH_QUEUES), blanks dropped.
enum QueueList {
    static func parse(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
