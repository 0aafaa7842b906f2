/// A rectangle in SVG user units (y grows downwards).
///
/// ```swift
/// let plot = PlotRect(x: 60, y: 30, width: 400, height: 300)
/// plot.maxX   // 460
/// ```
struct PlotRect: Sendable, Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }

    /// The rectangle grown by `amount` on every side (shrunk when negative).
    func expanded(by amount: Double) -> PlotRect {
        PlotRect(x: x - amount, y: y - amount, width: width + 2 * amount, height: height + 2 * amount)
    }
}
