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
