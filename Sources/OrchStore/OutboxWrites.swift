import Synchronization

/// How many transactions of this process have committed alerts to the outbox. The scheduler's turn wakes the alert
/// dispatcher only when this moved (``AlertDispatcher/wakeForNewAlerts()``), instead of at every turn: a turn that
/// ended an attempt and wrote no alert costs no outbox transaction. Alerts written by other processes are found by
/// the dispatcher's idle poll.
public enum OutboxWrites {
    private static let committed = Atomic<Int>(0)

    /// Transactions with alerts committed so far.
    public static var count: Int { committed.load(ordering: .acquiring) }

    static func noteCommitted() { committed.add(1, ordering: .releasing) }
}
