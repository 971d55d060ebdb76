/// The timing of the scheduler lease, shared by the scheduler (which keeps it) and whoever reports on it
/// (API health, `orch trigger`'s "no scheduler runs" hint, waiting reasons).
public enum SchedulerLease {
    /// A lease whose heartbeat is older than this is free for another scheduler, and its holder counts as gone.
    public static let ttl: Double = 15
    /// How often the holder renews it.
    public static let heartbeatInterval: Double = 3
    /// How often a standby scheduler tries the lease: a holder that died on the standby's host is replaced within
    /// this; one on another host once its heartbeat is `ttl` old.
    public static let standbyPollInterval: Double = 1
}
