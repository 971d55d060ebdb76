import ArgumentParser

/// `orch`: the command line of the orchestrator.
struct OrchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orch",
        abstract: "A workflow orchestrator: Swift DAGs, SQLite run state, a worker pool and a web dashboard.",
        version: OrchVersion.text,
        subcommands: [DagsCommand.self, TriggerCommand.self, RunCommand.self, RunsCommand.self, TasksCommand.self,
                      LogsCommand.self, SchedulerCommand.self, ServeCommand.self, WebserverCommand.self,
                      BackfillCommand.self, CronCommand.self, DbCommand.self,
                      ShopStreamCommand.self,
                      AlertsCommand.self, TokensCommand.self, AuditCommand.self, InitCommand.self, WorkerCommand.self]
    )
}
