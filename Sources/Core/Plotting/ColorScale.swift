/// A sequential colour scale interpolated linearly between evenly spaced stops.
///
/// ```swift
/// let scale = ColorScale.viridis
/// scale.color(at: 0)                      // dark purple
/// scale.color(for: 75, in: 0...100)       // yellow-green
/// ```
public struct ColorScale: Sendable, Hashable {
    /// The colours at 0, 1/(n−1), …, 1; at least two.
    public let stops: [PlotColor]

    /// A scale through `stops`, evenly spaced from 0 to 1.
    public init(stops: [PlotColor]) {
        precondition(stops.count >= 2, "ColorScale: needs at least 2 stops, got \(stops.count)")
        self.stops = stops
    }

    /// The colour at position `t` in 0…1 (clamped; NaN maps to 0).
    public func color(at t: Double) -> PlotColor {
        let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = clamped * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], fraction: position - Double(index))
    }

    /// The colour of `value` on a scale spanning `range`.
    public func color(for value: Double, in range: ClosedRange<Double>) -> PlotColor {
        let span = range.upperBound - range.lowerBound
        return color(at: span > 0 ? (value - range.lowerBound) / span : 0.5)
    }

    /// Viridis (matplotlib), sampled at eleven stops: perceptually uniform, colour-blind-safe,
    /// dark purple (low) to yellow (high).
    public static let viridis = ColorScale(stops: [
        "#440154", "#482475", "#414487", "#355F8D", "#2A788E", "#21918C",
        "#22A884", "#44BF70", "#7AD151", "#BDDF26", "#FDE725",
    ].map { PlotColor(hex: $0)! })

    /// White to dark blue (ColorBrewer "Blues"): light cells are low, for print-friendly heatmaps.
    public static let blues = ColorScale(stops: [
        "#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B",
    ].map { PlotColor(hex: $0)! })

    /// White to black.
    public static let greys = ColorScale(stops: [.white, .black])
}
