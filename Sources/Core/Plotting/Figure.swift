import Foundation

/// Anything that draws itself as a standalone SVG document and as plain or coloured terminal
/// text: `LineChart`, `Heatmap`, `ScatterPlot`, `BarChart` and `FigureGrid`.
///
/// ```swift
/// let chart = LineChart(title: "accuracy", series: [.init("Linear", y: curve)])
/// try chart.write(to: URL(fileURLWithPath: "accuracy.svg"))
/// print(chart.terminal(width: 80, height: 20, color: true))
/// ```
public protocol Figure: Sendable {
    /// A standalone SVG 1.1 document.
    func svg() -> String

    /// Exactly `height` lines (joined by "\n", no final newline) of exactly `width` visible
    /// characters; with `color`, ANSI 256-colour escapes are added around runs of coloured cells.
    func terminal(width: Int, height: Int, color: Bool) -> String
}

extension Figure {
    /// The plain-text terminal rendering (no escape codes).
    public func terminal(width: Int = 80, height: Int = 24) -> String {
        terminal(width: width, height: height, color: false)
    }

    /// Writes `svg()` to `url` atomically (a temporary file renamed into place).
    ///
    /// - Throws: `PlottingError.writeFailed` naming the path and the system's reason.
    public func write(to url: URL) throws {
        do {
            try Data(svg().utf8).write(to: url, options: .atomic)
        } catch {
            throw PlottingError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }
}
