/// A dashboard a DAG bundle declares next to its pipelines: panels of SQL over a named warehouse connection.
///
/// orch's web server runs each panel's query read-only, with the date range as parameters (`$1` the first day,
/// `$2` the day after the last, both `date`), a statement timeout and a row limit, and draws it as the panel's
/// ``PanelKind``. Nothing about a particular warehouse is written into orch: the bundle owns the SQL.
/// Codable, so a bundle manifest can carry it as JSON.
public struct Dashboard: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var description: String
    /// Range shown first: `7d`, `30d` or `90d` (see ``DateRange``).
    public var defaultRange: String
    public var panels: [Panel]

    public init(_ id: String, title: String, description: String = "", defaultRange: String = "30d", panels: [Panel]) {
        self.id = id
        self.title = title
        self.description = description
        self.defaultRange = defaultRange
        self.panels = panels
    }

    public func panel(_ id: String) -> Panel? { panels.first { $0.id == id } }
}

/// One chart or table of a dashboard.
public struct Panel: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var kind: PanelKind
    /// Name of the warehouse connection (see ``NamedConnections``), never a DSN.
    public var connection: String
    /// One SELECT (or WITH … SELECT). `$1` is the range's first day, `$2` the day after its last (`date`).
    public var sql: String
    /// The assets (tables) the query reads, with the task that produces each: shown as the panel's freshness.
    public var reads: [AssetRead]
    /// How the columns map onto the chart.
    public var encoding: PanelEncoding
    /// How numbers are written: ``ValueFormat``.
    public var format: ValueFormat
    /// One line under the title: what the figure means.
    public var note: String

    public init(_ id: String, title: String, kind: PanelKind, connection: String = "warehouse", sql: String,
                reads: [AssetRead], encoding: PanelEncoding = PanelEncoding(), format: ValueFormat = .number,
                note: String = "") {
        self.id = id
        self.title = title
        self.kind = kind
        self.connection = connection
        self.sql = sql
        self.reads = reads
        self.encoding = encoding
        self.format = format
        self.note = note
    }
}

/// The chart kinds the dashboard draws.
public enum PanelKind: String, Sendable, Codable, CaseIterable {
    /// One number (first column of the first row) with its change against the previous period of equal length.
    case kpi
    /// Values over time: `x` a date column, one line per `y` column or per `series` value.
    case line
    /// As ``line``, filled (stacked when there is a `series`).
    case area
    /// One bar per row: `x` the label, `y` the values.
    case bar
    /// The rows as they come.
    case table
    /// Steps in order (one row each): `x` the step, first `y` the count; conversion from step to step.
    case funnel
}

/// Which columns a chart reads. Empty fields take the defaults: `x` the first column, `y` every other column.
public struct PanelEncoding: Sendable, Codable, Equatable {
    public var x: String?
    public var y: [String]
    /// A column whose values split the rows into series (long format), for line, area and bar.
    public var series: String?

    public init(x: String? = nil, y: [String] = [], series: String? = nil) {
        self.x = x
        self.y = y
        self.series = series
    }
}

/// How a panel writes its numbers.
public enum ValueFormat: String, Sendable, Codable {
    case number, integer, currency, percent
}

/// An asset a panel reads and the task that produces it (for freshness until asset materializations exist).
public struct AssetRead: Sendable, Codable, Equatable, Hashable {
    /// The asset's name, e.g. `gold.agg_orders_daily`.
    public var asset: String
    public var dagId: String
    public var taskId: String

    public init(_ asset: String, producedBy dagId: String, _ taskId: String) {
        self.asset = asset
        self.dagId = dagId
        self.taskId = taskId
    }
}
