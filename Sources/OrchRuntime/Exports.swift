// Logging and metrics come with the runtime: its users (the CLI, bundles through OrchSDK, tests) log and record
// through the same `OrchLog` and `OrchMetrics`.
@_exported import OrchObservability
