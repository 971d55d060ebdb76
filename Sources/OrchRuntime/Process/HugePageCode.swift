#if canImport(Glibc)
import Glibc
#endif
import CHugePageCode
import Foundation

/// A fork server's code in transparent huge pages, copied on a thread of its own and put in place between forks.
///
/// Linux does not copy the page-table entries of file-backed code into a forked child: the child faults every
/// 64 KiB window of code it runs in again (76 of the 135 faults of a no-op attempt of the benchmark bundle), and
/// tears the entries down when it exits. Anonymous memory is inherited mapped, and in 2 MiB pages it is a dozen
/// entries to copy and to tear down. So the fork server moves the 2 MiB-aligned middle of its executable's
/// code into an identical copy backed by huge pages (the C side, `CHugePageCode`).
///
/// The copies are made by a thread of the C side's, at the lowest priority, started with the server
/// (``prepare(wakeFD:)``), each once the server has forked and then not again for ``quietBeforeCopy`` (or after
/// ``mostWaitBeforeCopy``; ``copyMayStart(lastFork:now:waitingSince:)``): a huge page being zeroed holds the address
/// space's lock, which a fork waits for, and the first attempt after a cold start is the request the server was
/// started for. The server puts each made copy in place (one `mremap`, microseconds) in its loop
/// (``placeReady()``); a request that comes while a piece is being zeroed waits for that piece only. Copying is
/// mostly the kernel zeroing each fresh huge page: about 0.4 ms a piece on memory the machine has used, 2–7 ms on
/// memory new to a virtual machine whose host takes freed memory back (this VM: 50–70 ms for 24 MiB), which, made
/// after each fork as before, fell on the hops and fan-outs of a new server. Where the thread cannot start, the
/// server copies one piece after each fork (``moveNext()``), as before.
///
/// The price: the moved code is the server's own memory (up to the size of the executable's code, about 24 MiB for
/// a release bundle) while it lives, shared with its children; the server is stopped when idle. Profilers that name
/// code by its file (perf) see the moved range as anonymous: `ORCH_FORK_SERVER_HUGE_PAGES=0` leaves the code alone.
/// Nothing moves when the kernel's transparent huge pages are `never`.
public struct HugePageCode: Sendable {
    /// A huge page where the kernel does not say (`hpage_pmd_size`): 2 MiB, as on x86-64 and 4 KiB-page arm64.
    public static let pieceSize: UInt = 2 << 20
    public static let switchKey = "ORCH_FORK_SERVER_HUGE_PAGES"
    /// The copying thread starts a piece once the server has not forked for this long (a burst of attempts, a quick
    /// chain, goes first)...
    public static let quietBeforeCopy: Duration = .milliseconds(2)
    /// ... but waits no longer than this for it.
    public static let mostWaitBeforeCopy: Duration = .milliseconds(250)

    /// The pieces still to move, lowest address first.
    public private(set) var pending: [UInt]
    /// Bytes of one piece: the kernel's huge page.
    public let size: UInt
    /// Pieces moved so far.
    public private(set) var moved = 0
    /// Whether the copies are being made on the C side's thread (``prepare(wakeFD:)``), to be put in place by
    /// ``placeReady()``.
    public private(set) var preparing = false

    public init(pending: [UInt], size: UInt = pieceSize) {
        self.pending = pending
        self.size = size
    }

    /// The pieces of this process's code, or none when the switch is off, the kernel has no transparent huge pages
    /// or the code has no whole aligned piece.
    public static func ofThisProcess(environment: [String: String] = ProcessInfo.processInfo.environment) -> HugePageCode {
        guard environment[switchKey] != "0", systemHugePagesUsable() else { return HugePageCode(pending: []) }
        var start: UInt = 0, end: UInt = 0
        guard orch_main_code_range(&start, &end) == 0 else { return HugePageCode(pending: []) }
        let size = systemPieceSize()
        return HugePageCode(pending: pieces(start: start, end: end, size: size), size: size)
    }

    /// Whether this kernel's transparent huge pages (`/sys/kernel/mm/transparent_hugepage/enabled`) let a
    /// MADV_HUGEPAGE area have huge pages.
    public static func systemHugePagesUsable() -> Bool {
        hugePagesUsable((try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? "")
    }

    /// The kernel's huge page size (`/sys/kernel/mm/transparent_hugepage/hpage_pmd_size`: 2 MiB on x86-64, 512 MiB
    /// on arm64 with 64 KiB pages), ``pieceSize`` when it does not say.
    public static func systemPieceSize() -> UInt {
        let text = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", encoding: .utf8)
        return pieceSize(hpagePMDSize: text)
    }

    /// Pure: a power of two of at least 64 KiB from `hpage_pmd_size`'s text, else ``pieceSize``.
    public static func pieceSize(hpagePMDSize text: String?) -> UInt {
        guard let value = text.flatMap({ UInt($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
              value >= 1 << 16, value & (value - 1) == 0 else { return pieceSize }
        return value
    }

    /// Pure: the whole `size`-aligned pieces inside [start, end).
    public static func pieces(start: UInt, end: UInt, size: UInt = pieceSize) -> [UInt] {
        let first = (start + size - 1) / size * size
        guard end >= first + size else { return [] }
        return Array(stride(from: first, through: end - size, by: Int(size)))
    }

    /// Pure: whether `/sys/kernel/mm/transparent_hugepage/enabled` (`always [madvise] never`) lets a MADV_HUGEPAGE
    /// area have huge pages.
    public static func hugePagesUsable(_ mode: String) -> Bool {
        mode.contains("[always]") || mode.contains("[madvise]")
    }

    /// Pure, the rule the copying thread follows before each piece: a copy may start once the server has forked
    /// (`lastFork` 0: not yet) and not again for ``quietBeforeCopy``, or once the thread has waited
    /// ``mostWaitBeforeCopy``. Times in nanoseconds of one monotonic clock.
    public static func copyMayStart(lastFork: Int64, now: Int64, waitingSince: Int64) -> Bool {
        orch_code_copy_may_start(lastFork, now, waitingSince, nanoseconds(quietBeforeCopy),
                                 nanoseconds(mostWaitBeforeCopy)) != 0
    }

    /// Starts copying every pending piece on a thread of its own, which writes a byte to `wakeFD` after each copy.
    /// Returns whether it started; when not, ``moveNext()`` copies a piece at a time in the caller.
    @discardableResult
    public mutating func prepare(wakeFD: Int32) -> Bool {
        guard !pending.isEmpty, !preparing else { return preparing }
        preparing = orch_prepare_code_copies(pending, pending.count, Int(size), wakeFD,
                                             Self.nanoseconds(Self.quietBeforeCopy),
                                             Self.nanoseconds(Self.mostWaitBeforeCopy)) == 0
        return preparing
    }

    /// The server has just forked: tells the copying thread, or, without one, moves the next piece here while the
    /// child runs.
    public mutating func afterFork() {
        guard !pending.isEmpty else { return }
        if preparing { orch_code_copies_note_fork() } else { moveNext() }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// Puts every copy made since the last call in place; a refusal stops the moving (the code stays as it is).
    /// Copy `moved` is the next to place: the copies are made, and placed, in the order of the pieces.
    public mutating func placeReady() {
        guard preparing, !pending.isEmpty else { return }
        let made = orch_prepared_code_copies()
        while moved < made, !pending.isEmpty {
            guard orch_place_code_copy(moved) == 0 else {
                pending = []
                return
            }
            pending.removeFirst()
            moved += 1
        }
    }

    /// Moves the next piece in the caller, copy included; a refusal stops the moving (the code stays as it is,
    /// correct either way).
    public mutating func moveNext() {
        guard let at = pending.first else { return }
        if orch_move_code_to_huge_page(at, Int(size)) == 0 {
            pending.removeFirst()
            moved += 1
        } else {
            pending = []
        }
    }
}
