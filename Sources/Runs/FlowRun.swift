/// A flow that can be integrated and presented: the passive flow of a truncation (scale `k`), the
/// active flow (network parameter `σ_W`), or the flow of the whole LPA potential on a grid.
///
/// A run is a value built from validated settings (by the configuration layer or by code). Its
/// `integrate()` returns the typed physics result (for library users and tests); `trajectory(of:)`
/// turns that into the presentation-neutral ``FlowTrajectory`` (header, table columns, figure,
/// JSON members) that every front end renders the same way. The CLI only calls `run()` and
/// renders; it never builds or switches over flow types.
public protocol FlowRun: Sendable {
    /// What `integrate()` produces: the flow's own result type.
    associatedtype Outcome: Sendable

    /// Integrates the flow. Physical endings (a threshold pole, a runaway coupling, the convexity
    /// floor) are part of the outcome, not errors; invalid settings throw errors of the flow
    /// modules (`FlowError`, `FullPotentialError`, `TruncationError`), solver failures `ODEError`
    /// with CVODE's flag name.
    func integrate() throws -> Outcome

    /// The trajectory as header lines, columns, a figure and JSON members.
    func trajectory(of outcome: Outcome) -> FlowTrajectory
}

extension FlowRun {
    /// Integrates and presents: `trajectory(of: integrate())`.
    public func run() throws -> FlowTrajectory { trajectory(of: try integrate()) }
}

/// A finished flow in presentation-neutral form: everything an output (text summary, CSV, JSON,
/// SVG) needs, with no formatting decided yet.
public struct FlowTrajectory {
    public enum Kind: String, Sendable {
        case passive
        case active
        case fullPotential = "full-potential"
    }

    public var kind: Kind
    /// Lines that state the physics of the run: the equations and how they were obtained, the
    /// regulator, the scale and units, the starting values, how the flow ended. Every output
    /// carries them (CSV comment lines, the JSON `header`, the summary's `#` lines).
    public var header: [String]
    /// One row per recorded scale: the summary table (a selection of rows) and, unless `detail`
    /// is set, the CSV.
    public var samples: TrajectoryTable
    /// The complete data when it is more than `samples` (the potential at every grid point of
    /// every snapshot), written instead of `samples` to CSV; nil otherwise.
    public var detail: TrajectoryTable?
    /// How the flow ended, printed after the summary table; nil when there is nothing to add.
    public var endingSummary: String?
    /// The solver's counters in one line.
    public var solverSummary: String
    /// The couplings (or the potential) against the running scale.
    public var figure: TrajectoryFigure
    /// Members of the JSON document specific to this kind of flow (the caller adds the program,
    /// version, configuration and header).
    public var jsonMembers: [String: Any]

    public init(kind: Kind, header: [String], samples: TrajectoryTable, detail: TrajectoryTable? = nil,
                endingSummary: String?, solverSummary: String, figure: TrajectoryFigure, jsonMembers: [String: Any]) {
        self.kind = kind
        self.header = header
        self.samples = samples
        self.detail = detail
        self.endingSummary = endingSummary
        self.solverSummary = solverSummary
        self.figure = figure
        self.jsonMembers = jsonMembers
    }
}

/// At most `limit` (≥ 2) of the indices `0..<count`, evenly spread with the first and last
/// included; all of them when there are no more than `limit`. Which samples a summary shows.
public func evenlySpacedIndices(count: Int, limit: Int) -> [Int] {
    guard count > limit else { return Array(0..<count) }
    return Array(Set((0..<limit).map { Int((Double($0) * Double(count - 1) / Double(limit - 1)).rounded()) })).sorted()
}

/// Numeric columns with names, one row per sample.
public struct TrajectoryTable: Sendable, Equatable {
    /// Column names as they appear in CSV headers (`t`, `k`, `u2bar`, `u2`, …).
    public var columns: [String]
    public var rows: [[Double]]
    /// Columns whose values are integers (a width, a 0/1 flag): written without a decimal point.
    public var integerColumns: Set<String>

    public init(columns: [String], rows: [[Double]] = [], integerColumns: Set<String> = []) {
        self.columns = columns
        self.rows = rows
        self.integerColumns = integerColumns
    }

    /// The values of one column by name, nil when there is no such column.
    public func column(_ name: String) -> [Double]? {
        columns.firstIndex(of: name).map { i in rows.map { $0[i] } }
    }
}

/// A 2-D figure described by its data: axes, scales and named series.
public struct TrajectoryFigure: Sendable {
    public enum Scale: Sendable {
        case linear
        case log
        /// Symmetric logarithm: values of both signs spanning many decades.
        case symlog
    }

    public enum Style: Sendable {
        case line
        case dashed
        case markers
    }

    public struct Series: Sendable {
        public var label: String
        public var x: [Double]
        public var y: [Double]
        public var style: Style

        public init(label: String, x: [Double], y: [Double], style: Style = .line) {
            self.label = label
            self.x = x
            self.y = y
            self.style = style
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale
    public var yScale: Scale
    public var series: [Series]

    public init(title: String, xLabel: String, yLabel: String, xScale: Scale = .linear, yScale: Scale = .linear,
                series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.series = series
    }
}
