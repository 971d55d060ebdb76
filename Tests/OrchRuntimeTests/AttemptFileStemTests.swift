import Foundation
import OrchCore
@testable import OrchRuntime
import Testing

/// The files beside an attempt's log are named from its path without the extension, as NSString's
/// `deletingPathExtension` names them (the engine no longer bridges to NSString at every launch).
@Suite struct AttemptFileStemTests {
    @Test(arguments: ["/h/logs/d/r/t/1.log", "/h/logs/d/r.x/t/12.log", "/h/logs/d/r/t/1", "1.log", "/h/a.b/c",
                      "/h/logs/d/r/t/1.tar.log", "/h/logs/d/r/t/v1.2.log", "/h/logs/d/r/t.1.log",
                      "/h/logs/d/r/v1.2.3.log"])
    func theStemIsNSStringsPathWithoutExtension(_ logPath: String) {
        var spec = AttemptSpec(dagId: "d", taskId: "t", runId: "r", runPk: 1, tryNumber: 1, logicalDate: Date(),
                               dataInterval: DataInterval(start: Date(), end: Date()), params: [:], logPath: logPath,
                               home: "/h", databasePath: "/h/orch.db")
        spec.logPath = logPath
        #expect(spec.fileStem == (logPath as NSString).deletingPathExtension)
        #expect(spec.lockPath == (logPath as NSString).deletingPathExtension + ".lock")
    }
}
