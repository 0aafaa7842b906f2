/// Lines through (x, y) points, e.g. probing accuracy against the number of top neurons k
/// (Antverg & Belinkov 2022, Fig. 3: solid top-to-bottom, dotted bottom-to-top, dashed random).
///
/// Colours default to the Okabe–Ito palette by series index; axes default to nice ranges around
/// the data; the legend lists the named series outside the plot area.
///
/// ```swift
/// let k = (1...150).map(Double.init)
/// let chart = LineChart(
///     title: "Linear", x: Axis("k"), y: Axis("accuracy", range: 0...1),
///     series: [
///         .init("Probeless", x: k, y: topToBottom),
///         .init("Probeless ↑", x: k, y: bottomToTop, color: Palette.color(0), dash: .dotted),
///         .init("random", x: k, y: random, color: .grey, dash: .dashed),
///     ])
/// try chart.write(to: URL(fileURLWithPath: "linear.svg"))
/// print(chart.terminal(width: 100, height: 24))
/// ```
public struct LineChart: Figure {
    /// One line: its points, look and optional shaded band.
    public struct Series: Sendable, Equatable {
        /// The legend text; empty for a series left out of the legend.
        public var name: String
        /// The x coordinates.
        public var x: [Double]
        /// The y coordinates, one per x; non-finite points are skipped.
        public var y: [Double]
        /// The line colour; nil for `Palette.color(index)`.
        public var color: PlotColor?
        /// Solid, dotted or dashed.
        public var dash: DashStyle
        /// A symbol at the points (at most about 20 per series are drawn, evenly spread).
        public var marker: Marker?
        /// A shaded band around the line, e.g. mean ± standard deviation.
        public var band: Band?
        /// Stroke width in SVG pixels.
        public var lineWidth: Double

        /// A series through (x[i], y[i]).
        public init(_ name: String, x: [Double], y: [Double], color: PlotColor? = nil, dash: DashStyle = .solid,
                    marker: Marker? = nil, band: Band? = nil, lineWidth: Double = 1.8) {
            precondition(x.count == y.count, "LineChart.Series \"\(name)\": \(x.count) x values but \(y.count) y values")
            if let band {
                precondition(band.lower.count == x.count && band.upper.count == x.count,
                             "LineChart.Series \"\(name)\": band has \(band.lower.count)/\(band.upper.count) values for \(x.count) points")
            }
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.dash = dash
            self.marker = marker
            self.band = band
            self.lineWidth = lineWidth
        }

        /// A series at x = 1, 2, …, n (k = 1 … n neurons).
        public init(_ name: String, y: [Double], color: PlotColor? = nil, dash: DashStyle = .solid,
                    marker: Marker? = nil, band: Band? = nil, lineWidth: Double = 1.8) {
            self.init(name, x: (0..<y.count).map { Double($0 + 1) }, y: y, color: color, dash: dash,
                      marker: marker, band: band, lineWidth: lineWidth)
        }
    }

    /// A shaded region between `lower` and `upper`, at the series' x values.
    public struct Band: Sendable, Equatable {
        /// The lower edge at each point.
        public var lower: [Double]
        /// The upper edge at each point.
        public var upper: [Double]

        /// A band between two curves of equal length.
        public init(lower: [Double], upper: [Double]) {
            precondition(lower.count == upper.count, "LineChart.Band: \(lower.count) lower but \(upper.count) upper values")
            self.lower = lower
            self.upper = upper
        }

        /// `center ± spread` at each point.
        public init(center: [Double], spread: [Double]) {
            precondition(center.count == spread.count, "LineChart.Band: \(center.count) centres but \(spread.count) spreads")
            self.init(lower: zip(center, spread).map { $0 - $1 }, upper: zip(center, spread).map { $0 + $1 })
        }
    }

    /// The lines, drawn in order (later on top).
    public var series: [Series]
    /// The title above the plot; empty for none.
    public var title: String
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// Where the legend goes.
    public var legend: LegendPosition
    /// Entries replacing the automatic one-per-named-series legend.
    public var legendEntries: [LegendEntry]?
    /// SVG width in pixels.
    public var width: Double
    /// SVG height in pixels.
    public var height: Double

    /// A chart of `series`.
    public init(title: String = "", x: Axis = Axis(), y: Axis = Axis(), legend: LegendPosition = .right,
                legendEntries: [LegendEntry]? = nil, width: Double = 640, height: Double = 400, series: [Series]) {
        self.title = title
        xAxis = x
        yAxis = y
        self.legend = legend
        self.legendEntries = legendEntries
        self.width = width
        self.height = height
        self.series = series
    }

    /// The colour series `index` is drawn in.
    public func color(ofSeries index: Int) -> PlotColor { series[index].color ?? Palette.color(index) }

    /// The legend: the explicit entries, or one per named series (exact repeats once).
    public var resolvedLegendEntries: [LegendEntry] {
        if let legendEntries { return legendEntries }
        return LegendEntry.unique(series.indices.compactMap { index in
            let s = series[index]
            return s.name.isEmpty ? nil : .line(s.name, color: color(ofSeries: index), dash: s.dash, marker: s.marker)
        })
    }

    /// The range of all x values.
    var xExtent: ClosedRange<Double>? { Axis.extent(series.lazy.flatMap(\.x)) }

    /// The range of all y values and bands.
    var yExtent: ClosedRange<Double>? {
        var extent = Axis.extent(series.lazy.flatMap(\.y))
        for s in series {
            if let band = s.band { extent = Axis.union(extent, Axis.union(Axis.extent(band.lower), Axis.extent(band.upper))) }
        }
        return extent
    }

    /// Indices of the points that get markers: all for short series, else about 20 evenly spread.
    static func markerIndices(count: Int) -> StrideTo<Int> {
        stride(from: 0, to: count, by: max(1, Int((Double(count) / 20).rounded(.up))))
    }
}
