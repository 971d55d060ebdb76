// A bundle imports only OrchSDK: the DAG model, the DSL, the task context and schedules come from OrchCore, which
// the SDK re-exports so model fields added there reach bundles without edits here.
@_exported import OrchCore
