import Foundation

/// Runs `body` on `count` threads released at the same moment (processes or connections racing for one resource)
/// and returns each one's result, in the order they ended.
public func runTogether<T: Sendable>(_ count: Int, _ body: @escaping @Sendable () throws -> T) -> [Result<T, any Error>] {
    let results = Results<T>()
    let start = DispatchSemaphore(value: 0), done = DispatchGroup()
    for _ in 0..<count {
        done.enter()
        Thread.detachNewThread {
            start.wait()
            let result = Result { try body() }
            results.lock.withLock { results.all.append(result) }
            done.leave()
        }
    }
    for _ in 0..<count { start.signal() }
    done.wait()
    return results.lock.withLock { results.all }
}

/// The errors among `results`, as text.
public func failures<T>(_ results: [Result<T, any Error>]) -> [String] {
    results.compactMap { if case .failure(let error) = $0 { "\(error)" } else { nil } }
}

private final class Results<T>: @unchecked Sendable {
    let lock = NSLock()
    var all: [Result<T, any Error>] = []
}
