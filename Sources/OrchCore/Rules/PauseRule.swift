/// Pause: a paused DAG's queued runs stay queued (the scheduler does not admit them); runs already running go on to
/// their end, as in Airflow. A foreground `orch run` does not honour pause: running a paused DAG by hand works.
public struct PauseRule: Sendable, Equatable {
    public let honoured: Bool
    public init(honoured: Bool) { self.honoured = honoured }

    /// Whether a queued run of `dagId` may be admitted.
    public func mayAdmit(dagId: String, paused: Set<String>) -> Bool { !honoured || !paused.contains(dagId) }
}
