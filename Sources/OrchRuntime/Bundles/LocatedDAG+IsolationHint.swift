import Foundation
import OrchCore

extension LocatedDAG {
    /// The isolations the manifest entry's tasks ask for, read from its text without decoding it (decoding a
    /// 1,000-task entry takes tens of milliseconds; `orch run` starts its helpers by this before it decodes): the
    /// encoder writes each task's as `"isolation":"<value>"`, a text that a JSON string value cannot hold unescaped.
    /// Only a hint: a `params` object with such a key could add an isolation no task uses (a helper started for
    /// nothing), never hide one.
    public var isolationHint: Set<Isolation> {
        var found: Set<Isolation> = []
        for isolation in [Isolation.process, .inProcess] where manifest.contains("\"isolation\":\"\(isolation.rawValue)\"") {
            found.insert(isolation)
        }
        return found
    }
}
