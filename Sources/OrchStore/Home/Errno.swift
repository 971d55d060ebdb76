#if canImport(Glibc)
import Glibc
#endif

/// The text of the last system error (`errno`), for messages about sockets, files and processes.
public func errnoText() -> String { String(cString: strerror(errno)) }
