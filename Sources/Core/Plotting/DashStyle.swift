/// How a line is stroked. Antverg & Belinkov's Fig. 3 convention: solid top-to-bottom,
/// dotted bottom-to-top, dashed random.
///
/// ```swift
/// LineChart.Series("Probeless ↑", y: curve, dash: .dotted)
/// ```
public enum DashStyle: String, Sendable, Hashable, CaseIterable {
    /// A continuous line.
    case solid
    /// Round dots.
    case dotted
    /// Long dashes.
    case dashed

    /// The SVG `stroke-dasharray` for a line `width` wide; nil for solid.
    func svgDashArray(width: Double) -> String? {
        switch self {
        case .solid: return nil
        case .dotted: return "0.01 \(PlotFormat.coordinate(max(2.2 * width, 3)))"
        case .dashed: return "\(PlotFormat.coordinate(max(4 * width, 6))) \(PlotFormat.coordinate(max(2.2 * width, 3.5)))"
        }
    }

    /// Whether the `index`-th pixel along a terminal line is drawn.
    func drawsPixel(_ index: Int) -> Bool {
        switch self {
        case .solid: return true
        case .dotted: return index % 3 == 0
        case .dashed: return index % 6 < 4
        }
    }

    /// Two characters that sample the style in a terminal legend.
    var terminalSample: String {
        switch self {
        case .solid: return "──"
        case .dotted: return "┈┈"
        case .dashed: return "╌╌"
        }
    }
}
