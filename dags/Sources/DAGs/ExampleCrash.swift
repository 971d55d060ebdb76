#if canImport(Glibc)
import Glibc
#endif
import OrchCore

/// Children that die by signal: SIGSEGV on the first try, SIGKILL on the first try; both retried and
/// succeed on the second.
let exampleCrash = DAG("example_crash", description: "Task processes killed by SIGSEGV and SIGKILL, then retried",
                       tags: ["example"], defaults: TaskDefaults(retries: 1, retryDelay: 0.1)) { d in
    d.task("segfault") { ctx in
        if ctx.tryNumber == 1 {
            ctx.log("writing through an invalid pointer (SIGSEGV)")
            let invalid = UnsafeMutablePointer<Int>(bitPattern: 0x8)!
            invalid.pointee = 42
        }
        ctx.log("second try survives")
    }
    d.task("killed") { ctx in
        if ctx.tryNumber == 1 {
            ctx.log("raising SIGKILL")
            raise(SIGKILL)
        }
        ctx.log("second try survives")
    }
}
