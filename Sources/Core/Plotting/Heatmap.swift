/// A matrix of values as coloured cells with row and column labels, a colour bar and the values
/// written in the cells, e.g. the overlap of top-neuron sets between rankings (Antverg &
/// Belinkov 2022, Fig. 1).
///
/// ```swift
/// let overlap = Heatmap(
///     [[100, 42, 17], [42, 100, 23], [17, 23, 100]],
///     rows: ["Linear", "Gaussian", "Probeless"], columns: ["Linear", "Gaussian", "Probeless"],
///     title: "Top-100 overlap, layer 7", range: 0...100)
/// try overlap.write(to: URL(fileURLWithPath: "overlap.svg"))
/// print(overlap.terminal(width: 60, height: 8))
/// ```
public struct Heatmap: Figure {
    /// `values[row][column]`; NaN cells are drawn as missing.
    public var values: [[Double]]
    /// One label per row, top to bottom.
    public var rowLabels: [String]
    /// One label per column, left to right.
    public var columnLabels: [String]
    /// The title; empty for none.
    public var title: String
    /// The caption under the column labels.
    public var xLabel: String
    /// The caption beside the row labels.
    public var yLabel: String
    /// The sequential colour scale.
    public var colorScale: ColorScale
    /// The values mapped to the ends of the scale; nil for the data's minimum…maximum.
    public var range: ClosedRange<Double>?
    /// Decimals of the numbers written in the cells; nil writes none.
    public var annotationDecimals: Int?
    /// The caption of the colour bar.
    public var colorBarLabel: String
    /// SVG width in pixels.
    public var width: Double
    /// SVG height in pixels.
    public var height: Double

    /// A heatmap of a rectangular matrix with one label per row and per column.
    public init(_ values: [[Double]], rows: [String], columns: [String], title: String = "", xLabel: String = "",
                yLabel: String = "", colorScale: ColorScale = .viridis, range: ClosedRange<Double>? = nil,
                annotationDecimals: Int? = 0, colorBarLabel: String = "", width: Double = 520, height: Double = 440) {
        precondition(values.count == rows.count, "Heatmap: \(values.count) rows of values but \(rows.count) row labels")
        for (index, row) in values.enumerated() {
            precondition(row.count == columns.count,
                         "Heatmap: row \(index) (\(rows[index])) has \(row.count) values for \(columns.count) columns")
        }
        self.values = values
        rowLabels = rows
        columnLabels = columns
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorScale = colorScale
        self.range = range
        self.annotationDecimals = annotationDecimals
        self.colorBarLabel = colorBarLabel
        self.width = width
        self.height = height
    }

    /// The value range of the colour scale.
    public var resolvedRange: ClosedRange<Double> {
        if let range { return range }
        return Axis.extent(values.lazy.flatMap { $0 }) ?? 0...1
    }

    /// Position of `value` on the colour scale, 0…1 (clamped).
    func normalized(_ value: Double) -> Double {
        let range = resolvedRange
        let span = range.upperBound - range.lowerBound
        guard span > 0 else { return 0.5 }
        return min(max((value - range.lowerBound) / span, 0), 1)
    }

    /// The text written in a cell.
    func annotation(_ value: Double) -> String? {
        guard let decimals = annotationDecimals, value.isFinite else { return nil }
        return PlotFormat.fixed(value, decimals: decimals)
    }

    /// The shading characters of the plain terminal rendering, lightest (lowest) first.
    public static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// The shade of a value: `shades[0]` for the bottom fifth of the range … `shades[4]` for the top.
    public func shade(of value: Double) -> Character {
        guard value.isFinite else { return "·" }
        return Self.shades[min(Int(normalized(value) * Double(Self.shades.count)), Self.shades.count - 1)]
    }
}
