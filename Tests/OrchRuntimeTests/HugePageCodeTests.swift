import OrchRuntime
import Testing

/// The pure side of moving a fork server's code into huge pages: which pieces, and whether the kernel allows it.
/// (The move itself is tested on a real fork server: CLIForkServerTests.)
@Suite struct HugePageCodeTests {
    let mib: UInt = 1 << 20

    @Test func piecesAreTheWholeAlignedTwoMebibyteStretchesInsideTheCode() {
        // 0x5000_1000 ..< 0x5070_0000: the first boundary is 0x5020_0000, the last whole piece ends at 0x5060_0000.
        #expect(HugePageCode.pieces(start: 0x5000_1000, end: 0x5070_0000)
                == [0x5020_0000, 0x5040_0000])
        #expect(HugePageCode.pieces(start: 0x5000_0000, end: 0x5060_0000) == [0x5000_0000, 0x5020_0000, 0x5040_0000])
        #expect(HugePageCode.pieces(start: 0x5000_1000, end: 0x5040_0000) == [0x5020_0000])
        #expect(HugePageCode.pieces(start: 0x5000_1000, end: 0x503f_f000).isEmpty)   // no whole piece
        #expect(HugePageCode.pieces(start: 0x5000_0000, end: 0x5000_0000 + 2 * mib - 4096).isEmpty)
    }

    /// A fresh server's first attempt (a cold trigger) waits for no copy: nothing is copied before the first fork,
    /// then only in a pause of 2 ms without one, and after 250 ms of waiting whatever happens.
    @Test func aCopyWaitsForTheFirstForkAndThenForAPause() {
        let ms: Int64 = 1_000_000
        let start: Int64 = 1_000 * ms
        #expect(!HugePageCode.copyMayStart(lastFork: 0, now: start + 10 * ms, waitingSince: start))   // no fork yet
        #expect(!HugePageCode.copyMayStart(lastFork: start + 10 * ms, now: start + 11 * ms, waitingSince: start))
        #expect(HugePageCode.copyMayStart(lastFork: start + 10 * ms, now: start + 12 * ms, waitingSince: start))
        #expect(HugePageCode.copyMayStart(lastFork: 0, now: start + 250 * ms, waitingSince: start))   // waited enough
        #expect(HugePageCode.copyMayStart(lastFork: start + 249 * ms, now: start + 250 * ms, waitingSince: start))
    }

    @Test func theKernelsModeDecidesWhetherAnythingMoves() {
        #expect(HugePageCode.hugePagesUsable("always [madvise] never\n"))
        #expect(HugePageCode.hugePagesUsable("[always] madvise never\n"))
        #expect(!HugePageCode.hugePagesUsable("always madvise [never]\n"))
        #expect(!HugePageCode.hugePagesUsable(""))
    }

    @Test func aPieceIsTheKernelsHugePage() {
        #expect(HugePageCode.pieceSize(hpagePMDSize: "2097152\n") == 2 * mib)
        #expect(HugePageCode.pieceSize(hpagePMDSize: "536870912") == 512 * mib)   // arm64 with 64 KiB pages
        #expect(HugePageCode.pieceSize(hpagePMDSize: nil) == 2 * mib)
        #expect(HugePageCode.pieceSize(hpagePMDSize: "3000000") == 2 * mib)      // not a power of two: the default
        #expect(HugePageCode.pieceSize(hpagePMDSize: "4096") == 2 * mib)         // a base page is no huge page
        #expect(HugePageCode.pieces(start: 0, end: 1024 * mib, size: 512 * mib) == [0, 512 * mib])
    }

    @Test func theSwitchTurnsItOffAndNothingIsPending() {
        #expect(HugePageCode.ofThisProcess(environment: [HugePageCode.switchKey: "0"]).pending.isEmpty)
    }

    @Test func copiesThatCannotBePreparedLeaveTheMoveToTheCaller() {
        var code = HugePageCode(pending: [0x1000])   // not a piece boundary: refused before any thread or memory
        #expect(!code.prepare(wakeFD: -1) && !code.preparing)
        code.placeReady()   // nothing prepared: nothing placed, the piece still pending
        #expect(code.pending == [0x1000] && code.moved == 0)
    }

    @Test func aMoveThatTheKernelRefusesStopsTheMoving() {
        var code = HugePageCode(pending: [0x1000])   // not a piece boundary: EINVAL, nothing touched
        code.moveNext()
        #expect(code.pending.isEmpty && code.moved == 0)
    }
}
