/// A point symbol for line-chart markers, scatter categories and legend samples.
///
/// ```swift
/// LineChart.Series("Linear", y: curve, marker: .circle)
/// ```
public enum Marker: String, Sendable, Hashable, CaseIterable {
    /// ● in the terminal.
    case circle
    /// ■
    case square
    /// ▲
    case triangle
    /// ◆
    case diamond
    /// +
    case plus
    /// ×
    case cross

    /// The terminal glyph (single-width) for the marker.
    var glyph: Character {
        switch self {
        case .circle: return "●"
        case .square: return "■"
        case .triangle: return "▲"
        case .diamond: return "◆"
        case .plus: return "+"
        case .cross: return "×"
        }
    }

    /// The marker for category `index`, cycling through all cases.
    static func forCategory(_ index: Int) -> Marker {
        allCases[((index % allCases.count) + allCases.count) % allCases.count]
    }
}
