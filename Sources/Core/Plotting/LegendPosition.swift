/// Where a legend goes: always outside the plot area so that it never covers data.
///
/// ```swift
/// LineChart(title: "Linear", legend: .bottom, series: series)
/// ```
public enum LegendPosition: String, Sendable, Hashable, CaseIterable {
    /// A column to the right of the plot area (SVG); in the terminal, lines below.
    case right
    /// Rows under the x axis label, wrapped to the figure width.
    case bottom
    /// No legend.
    case hidden
}
