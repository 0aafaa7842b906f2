/// Points coloured (and shaped) by category with optional text labels, e.g. a t-SNE projection
/// of configs coloured by their K-means cluster (Antverg & Belinkov 2022, Fig. 3d).
///
/// ```swift
/// let plot = ScatterPlot(
///     points: zip(embedding, clusters).map { .init(x: $0[0], y: $0[1], category: $1) },
///     categories: ["Standard", "G>L", "L>G"], title: "t-SNE of configs")
/// try plot.write(to: URL(fileURLWithPath: "tsne.svg"))
/// ```
public struct ScatterPlot: Figure {
    /// One point with its category and an optional label.
    public struct Point: Sendable, Equatable {
        /// Horizontal position.
        public var x: Double
        /// Vertical position.
        public var y: Double
        /// Index into `categories` (and the palette).
        public var category: Int
        /// Text written next to the point (SVG only).
        public var label: String?

        /// A point in `category`, optionally labelled.
        public init(x: Double, y: Double, category: Int = 0, label: String? = nil) {
            self.x = x
            self.y = y
            self.category = category
            self.label = label
        }
    }

    /// The points.
    public var points: [Point]
    /// Category names, by index; the legend lists them.
    public var categories: [String]
    /// The title; empty for none.
    public var title: String
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// Where the legend goes.
    public var legend: LegendPosition
    /// Each category gets its own marker shape as well as its colour (robust in greyscale).
    public var distinctMarkers: Bool
    /// Marker size in SVG pixels.
    public var markerSize: Double
    /// SVG width in pixels.
    public var width: Double
    /// SVG height in pixels.
    public var height: Double

    /// A scatter plot of `points`.
    public init(points: [Point], categories: [String] = [], title: String = "", x: Axis = Axis(), y: Axis = Axis(),
                legend: LegendPosition = .right, distinctMarkers: Bool = true, markerSize: Double = 8,
                width: Double = 560, height: Double = 440) {
        self.points = points
        self.categories = categories
        self.title = title
        xAxis = x
        yAxis = y
        self.legend = legend
        self.distinctMarkers = distinctMarkers
        self.markerSize = markerSize
        self.width = width
        self.height = height
    }

    /// The colour of category `index`.
    public func color(ofCategory index: Int) -> PlotColor { Palette.color(index) }

    /// The marker of category `index`.
    public func marker(ofCategory index: Int) -> Marker { distinctMarkers ? Marker.forCategory(index) : .circle }

    /// One marker entry per named category.
    public var resolvedLegendEntries: [LegendEntry] {
        categories.indices.compactMap { index in
            categories[index].isEmpty ? nil
                : .marker(categories[index], color: color(ofCategory: index), marker: marker(ofCategory: index))
        }
    }

    /// The x axis as drawn: a fixed range stays; otherwise the padded data range, with ticks
    /// inside it (a scatter plot's ends need not be round numbers).
    var drawnXAxis: Axis { Axis(xAxis.label, range: xAxis.range ?? xExtent) }
    /// The y axis as drawn.
    var drawnYAxis: Axis { Axis(yAxis.label, range: yAxis.range ?? yExtent) }

    /// The x range of the points, padded by 4 % so that no point sits on an axis.
    var xExtent: ClosedRange<Double>? { Self.padded(Axis.extent(points.lazy.map(\.x))) }
    /// The y range of the points, padded by 4 %.
    var yExtent: ClosedRange<Double>? { Self.padded(Axis.extent(points.lazy.map(\.y))) }

    private static func padded(_ range: ClosedRange<Double>?) -> ClosedRange<Double>? {
        guard let range else { return nil }
        let pad = (range.upperBound - range.lowerBound) * 0.04
        return (range.lowerBound - pad)...(range.upperBound + pad)
    }
}
