/// One legend line: a sample symbol in a colour, and a name.
///
/// Charts derive their entries from named series; pass explicit entries to explain an encoding
/// instead, e.g. colours for rankings plus grey samples for the line styles:
///
/// ```swift
/// let legend: [LegendEntry] = [
///     .line("Probeless", color: Palette.color(0)),
///     .line("top-to-bottom", color: .grey, dash: .solid),
///     .line("bottom-to-top", color: .grey, dash: .dotted),
///     .line("random", color: .grey, dash: .dashed),
/// ]
/// ```
public struct LegendEntry: Sendable, Hashable {
    /// The sample drawn before the name.
    public enum Symbol: Sendable, Hashable {
        /// A short line in a dash style, with an optional marker in its middle.
        case line(DashStyle, Marker?)
        /// A filled square (bars, heatmap categories).
        case swatch
        /// A point symbol alone (scatter categories).
        case marker(Marker)
    }

    /// The text shown.
    public var name: String
    /// The colour of the sample.
    public var color: PlotColor
    /// The sample's shape.
    public var symbol: Symbol

    /// An entry with an explicit symbol.
    public init(name: String, color: PlotColor, symbol: Symbol) {
        self.name = name
        self.color = color
        self.symbol = symbol
    }

    /// A line sample: `.line("random", color: .grey, dash: .dashed)`.
    public static func line(_ name: String, color: PlotColor, dash: DashStyle = .solid, marker: Marker? = nil) -> LegendEntry {
        LegendEntry(name: name, color: color, symbol: .line(dash, marker))
    }

    /// A filled square: `.swatch("POS", color: Palette.color(1))`.
    public static func swatch(_ name: String, color: PlotColor) -> LegendEntry {
        LegendEntry(name: name, color: color, symbol: .swatch)
    }

    /// A point symbol: `.marker("cluster 1", color: Palette.color(0), marker: .circle)`.
    public static func marker(_ name: String, color: PlotColor, marker: Marker) -> LegendEntry {
        LegendEntry(name: name, color: color, symbol: .marker(marker))
    }

    /// The terminal sample: two characters for lines and swatches, one glyph for markers.
    var terminalSample: String {
        switch symbol {
        case .line(let dash, let marker):
            if let marker { return "─" + String(marker.glyph) + "─" }
            return dash.terminalSample
        case .swatch: return "██"
        case .marker(let marker): return String(marker.glyph)
        }
    }

    /// Entries in order with exact repeats removed (panels sharing one legend).
    static func unique(_ entries: [LegendEntry]) -> [LegendEntry] {
        var seen = Set<LegendEntry>()
        return entries.filter { seen.insert($0).inserted }
    }
}
