// How late a 1-second sleep ends on this machine: nanosleep (what the peer benchmark's floors call, and what Python's
// time.sleep in every peer calls) against Task.sleep (what bench/dags/PeerBenchmarks.swift's sleep body calls: a
// dispatch timer, then a pool thread), each timed as that body is (Date before and after), alternately, on the global
// executor's threads as the task host runs an attempt. Run:
//   swiftc -O -swift-version 5 -o /var/tmp/sleep_late bench/sleep_late/main.swift && /var/tmp/sleep_late 12
import Foundation

func now() -> Double { Date().timeIntervalSince1970 }

func nanosleepOnce() -> Double {
    let t0 = now()
    var left = timespec(tv_sec: 1, tv_nsec: 0), rest = timespec()
    while nanosleep(&left, &rest) != 0 && errno == EINTR { left = rest }
    return now() - t0 - 1
}

func taskSleepOnce() async -> Double {
    let t0 = now()
    try? await Task.sleep(nanoseconds: 1_000_000_000)
    return now() - t0 - 1
}

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

let rounds = Int(CommandLine.arguments.dropFirst().first ?? "10") ?? 10
var a: [Double] = [], b: [Double] = []
for _ in 0..<rounds {
    // Both on the global executor's threads, as the task host runs an attempt (Task.detached).
    a.append(await Task.detached { nanosleepOnce() }.value)
    b.append(await Task.detached { await taskSleepOnce() }.value)
}
func ms(_ x: Double) -> String { String(format: "%.3f", x * 1000) }
print("nanosleep  late by (ms): median \(ms(median(a))) min \(ms(a.min()!)) max \(ms(a.max()!))")
print("Task.sleep late by (ms): median \(ms(median(b))) min \(ms(b.min()!)) max \(ms(b.max()!))")
