import Runs
import TextOutput

extension Plot {
    /// The SVG figure of a flow's trajectory.
    public init(_ figure: TrajectoryFigure) {
        func scale(_ s: TrajectoryFigure.Scale) -> AxisScale {
            switch s {
            case .linear: return .linear
            case .log: return .log
            case .symlog: return .symlog
            }
        }
        func style(_ s: TrajectoryFigure.Style) -> PlotSeries.Style {
            switch s {
            case .line: return .line
            case .dashed: return .dashed
            case .markers: return .markers
            }
        }
        self.init(title: figure.title, xLabel: figure.xLabel, yLabel: figure.yLabel,
                  xScale: scale(figure.xScale), yScale: scale(figure.yScale),
                  series: figure.series.map { PlotSeries(label: $0.label, x: $0.x, y: $0.y, style: style($0.style)) })
    }
}

extension Table {
    /// A trajectory's columns as a table of exact (round-trip) decimals, for CSV.
    public init(exact table: TrajectoryTable) {
        let integer = table.columns.map { table.integerColumns.contains($0) }
        self.init(header: table.columns, rows: table.rows.map { row in
            zip(row, integer).map { value, isInteger in isInteger && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : formatExact(value) }
        })
    }

    /// Up to `limit` rows of a trajectory, evenly chosen (first and last included), with numbers
    /// to six significant digits: the summary a person reads.
    public init(summary table: TrajectoryTable, limit: Int) {
        let picked = evenlySpacedIndices(count: table.rows.count, limit: limit)
        self.init(header: table.columns, rows: picked.map { table.rows[$0].map { formatNumber($0) } })
    }
}
