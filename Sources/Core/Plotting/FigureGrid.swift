/// Several panels side by side (in rows of `columns`) with one shared legend, e.g. accuracy
/// against k for the Linear and the Gaussian classifier (Antverg & Belinkov 2022, Fig. 3).
///
/// Panels keep their own titles and axes; their legends are merged into one (exact repeats
/// once) unless `legendEntries` is given.
///
/// ```swift
/// let figure = FigureGrid([linearChart, gaussianChart], legend: .bottom)
/// try figure.write(to: URL(fileURLWithPath: "accuracy.svg"))
/// print(figure.terminal(width: 120, height: 24))
/// ```
public struct FigureGrid: Figure {
    /// One panel of any figure kind.
    public enum Panel: Sendable {
        /// A line chart.
        case line(LineChart)
        /// A heatmap (it keeps its own colour bar).
        case heatmap(Heatmap)
        /// A scatter plot.
        case scatter(ScatterPlot)
        /// A bar chart.
        case bars(BarChart)

        /// The entries this panel would show in its own legend.
        var legendEntries: [LegendEntry] {
            switch self {
            case .line(let chart): return chart.legend == .hidden ? [] : chart.resolvedLegendEntries
            case .heatmap: return []
            case .scatter(let plot): return plot.legend == .hidden ? [] : plot.resolvedLegendEntries
            case .bars(let chart): return chart.legend == .hidden ? [] : chart.resolvedLegendEntries
            }
        }
    }

    /// The panels, left to right, then top to bottom.
    public var panels: [Panel]
    /// Panels per row.
    public var columns: Int
    /// A title over all panels; empty for none.
    public var title: String
    /// Where the shared legend goes.
    public var legend: LegendPosition
    /// Entries replacing the merged panel legends.
    public var legendEntries: [LegendEntry]?
    /// SVG width of one panel in pixels.
    public var panelWidth: Double
    /// SVG height of one panel in pixels.
    public var panelHeight: Double

    /// A grid of panels; `columns` defaults to all panels in one row.
    public init(_ panels: [Panel], columns: Int? = nil, title: String = "", legend: LegendPosition = .bottom,
                legendEntries: [LegendEntry]? = nil, panelWidth: Double = 440, panelHeight: Double = 360) {
        precondition(!panels.isEmpty, "FigureGrid: needs at least one panel")
        let columns = columns ?? panels.count
        precondition(columns >= 1, "FigureGrid: columns must be ≥ 1, got \(columns)")
        self.panels = panels
        self.columns = min(columns, panels.count)
        self.title = title
        self.legend = legend
        self.legendEntries = legendEntries
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
    }

    /// Line charts side by side.
    public init(_ charts: [LineChart], columns: Int? = nil, title: String = "", legend: LegendPosition = .bottom,
                legendEntries: [LegendEntry]? = nil, panelWidth: Double = 440, panelHeight: Double = 360) {
        self.init(charts.map(Panel.line), columns: columns, title: title, legend: legend, legendEntries: legendEntries,
                  panelWidth: panelWidth, panelHeight: panelHeight)
    }

    /// Number of panel rows.
    public var rows: Int { (panels.count + columns - 1) / columns }

    /// The shared legend.
    public var resolvedLegendEntries: [LegendEntry] {
        if legend == .hidden { return [] }
        return legendEntries ?? LegendEntry.unique(panels.flatMap(\.legendEntries))
    }
}
