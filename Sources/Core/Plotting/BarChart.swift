/// Grouped bars: one group per category, one bar per series, e.g. how many top neurons each
/// layer holds for several tasks (Durrani et al. 2020, Fig. 1) or neurons per label (Fig. 2).
///
/// ```swift
/// let chart = BarChart(
///     categories: (0...6).map { "\($0)" },
///     series: [.init("POS", values: pos), .init("SEM", values: sem)],
///     title: "Top neurons per layer", xLabel: "layer", y: Axis("neurons"))
/// try chart.write(to: URL(fileURLWithPath: "layers.svg"))
/// print(chart.terminal(width: 70, height: 20))
/// ```
public struct BarChart: Figure {
    /// One bar per category, in one colour.
    public struct Series: Sendable, Equatable {
        /// The legend text; empty for none.
        public var name: String
        /// One value per category.
        public var values: [Double]
        /// The fill; nil for `Palette.color(index)`.
        public var color: PlotColor?

        /// A series with one value per category.
        public init(_ name: String, values: [Double], color: PlotColor? = nil) {
            self.name = name
            self.values = values
            self.color = color
        }
    }

    /// The category labels along the x axis (rotated 45° when they do not fit).
    public var categories: [String]
    /// The bar series, side by side within each category.
    public var series: [Series]
    /// The title; empty for none.
    public var title: String
    /// The caption under the category labels.
    public var xLabel: String
    /// The value axis (its range always includes 0 unless fixed).
    public var yAxis: Axis
    /// Where the legend goes.
    public var legend: LegendPosition
    /// Writes each value above its bar (SVG, when it fits).
    public var showsValues: Bool
    /// SVG width in pixels.
    public var width: Double
    /// SVG height in pixels.
    public var height: Double

    /// A grouped bar chart; every series has one value per category.
    public init(categories: [String], series: [Series], title: String = "", xLabel: String = "", y: Axis = Axis(),
                legend: LegendPosition = .right, showsValues: Bool = false, width: Double = 640, height: Double = 400) {
        for s in series {
            precondition(s.values.count == categories.count,
                         "BarChart.Series \"\(s.name)\": \(s.values.count) values for \(categories.count) categories")
        }
        self.categories = categories
        self.series = series
        self.title = title
        self.xLabel = xLabel
        yAxis = y
        self.legend = legend
        self.showsValues = showsValues
        self.width = width
        self.height = height
    }

    /// The fill of series `index`.
    public func color(ofSeries index: Int) -> PlotColor { series[index].color ?? Palette.color(index) }

    /// One swatch per named series.
    public var resolvedLegendEntries: [LegendEntry] {
        series.indices.compactMap { index in
            series[index].name.isEmpty ? nil : .swatch(series[index].name, color: color(ofSeries: index))
        }
    }

    /// The value range, with 0 included, and 8 % more away from zero when values are written
    /// beside the bars.
    var yExtent: ClosedRange<Double> {
        let extent = Axis.union(Axis.extent(series.lazy.flatMap(\.values)), 0...0) ?? 0...1
        guard showsValues else { return extent }
        let pad = (extent.upperBound - extent.lowerBound) * 0.08
        return (extent.lowerBound < 0 ? extent.lowerBound - pad : 0)...(extent.upperBound > 0 ? extent.upperBound + pad : 0)
    }
}
