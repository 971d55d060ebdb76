import OrchRuntime
import ServiceLifecycle

/// Delivers the alert outbox while this process's scheduler holds the lease: it waits for the scheduler to hand
/// over its dispatcher (a standby sends nothing), then runs it until the group shuts down.
struct AlertDeliveryService: Service {
    let dispatcher: Handoff<AlertDispatcher>

    func run() async throws {
        guard let alerts = await cancelWhenGracefulShutdown({ await dispatcher.wait() }) else { return }
        alerts.start()
        try? await gracefulShutdown()
        await alerts.stop()
    }
}
