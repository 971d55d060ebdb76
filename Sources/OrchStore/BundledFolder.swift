import Foundation

/// Finds a folder that ships with orch's repository (state migrations, the dashboard, the DummyJSON snapshot) by
/// walking up from the running executable (`/proc/self/exe`, then argv[0]) and from the working directory, so a
/// binary under `.build/…` and a command run from the repository both find it.
public enum BundledFolder {
    /// The first `<ancestor>/<relativePath>` holding `marker`, looking at most `levels` folders up from each start.
    public static func locate(_ relativePath: String, containing marker: String, levels: Int = 8) -> URL? {
        let starts = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                      URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath(),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            var dir = start
            for _ in 0..<levels {
                let candidate = dir.appendingPathComponent(relativePath)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }
}
