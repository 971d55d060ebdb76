import ArgumentParser
import Foundation
import OrchRuntime
import OrchStore

/// This installation's alert configuration: `ORCH_HOME/orch.json` `"alerts"` with the environment over it.
/// A bad value stops the command with a message naming it.
func alertConfiguration(_ ctx: CLIContext) throws -> AlertConfiguration {
    do {
        return try AlertConfiguration.load(environment: ProcessInfo.processInfo.environment,
                                           configFile: ctx.home.configPath)
    } catch let e as AlertConfigurationError {
        printError(e.description)
        throw ExitCode(1)
    }
}

/// The alert composer: webhook payloads when webhooks are configured, none otherwise.
func makeAlertComposer(_ ctx: CLIContext) throws -> AlertComposer {
    let config = try alertConfiguration(ctx)
    return config.isEnabled ? WebhookAlertComposer(config) : NoAlerts()
}

/// This installation's OpenLineage endpoint: `ORCH_HOME/orch.json` `"openlineage"` with the environment over it.
func lineageConfiguration(_ ctx: CLIContext) throws -> OpenLineageConfiguration {
    do {
        return try OpenLineageConfiguration.load(environment: ProcessInfo.processInfo.environment,
                                                 configFile: ctx.home.configPath)
    } catch let e as AlertConfigurationError {
        printError(e.description)
        throw ExitCode(1)
    }
}

/// OpenLineage run events for every attempt when an endpoint is configured, none otherwise.
func makeLineageComposer(_ ctx: CLIContext) throws -> OpenLineageComposer? {
    OpenLineageComposer(try lineageConfiguration(ctx), orchVersion: OrchVersion.release)
}

/// The dispatcher for the outbox in `store` (it also drains alerts queued before webhooks were unset), with the
/// OpenLineage API key for the lineage events.
func makeAlertDispatcher(_ ctx: CLIContext, store: SQLiteStateStore,
                         log: @escaping @Sendable (String) -> Void = { printError($0) }) throws -> AlertDispatcher {
    let config = try alertConfiguration(ctx)
    return AlertDispatcher(store: store, secret: config.secret,
                           options: AlertDispatcher.Options(config, openLineage: try lineageConfiguration(ctx)), log: log)
}

/// `orch run`: sends the alerts its runs raised before the process exits, for a bounded time; what is left
/// stays in the outbox for the scheduler.
func deliverForegroundAlerts(_ ctx: CLIContext, store: SQLiteStateStore, since: Date) async {
    guard let dispatcher = try? makeAlertDispatcher(ctx, store: store),
          (try? store.pendingAlertCount(createdSince: since)) ?? 0 > 0 else { return }
    let bound = max(15, dispatcher.options.timeoutSeconds + 5)
    let left = await dispatcher.flush(createdSince: since, within: bound)
    if left > 0 { printError("\(left) alert(s) not delivered yet; the scheduler will keep trying (orch alerts list)") }
}
