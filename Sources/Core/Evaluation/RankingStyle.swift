import Plotting
/// How every figure draws a ranking: one colour per ranking method, and the line style for its
/// direction — solid top-to-bottom, dotted bottom-to-top, dashed random (Antverg & Belinkov Fig. 3–4).
public enum RankingStyle {
    /// The rankings in legend order.
    static let methods = ["linear", "gaussian", "probeless", "random"]
    static let colors: [String: PlotColor] = [
        "linear": Palette.color(0), "gaussian": Palette.color(1), "probeless": Palette.color(2), "random": Palette.color(3),
    ]

    /// The method of a ranking name (`probeless↑` → `probeless`).
    public static func method(_ ranking: String) -> String { ranking.replacingOccurrences(of: "↑", with: "") }

    /// The colour of a ranking's method.
    public static func color(_ ranking: String) -> PlotColor { colors[method(ranking)] ?? .grey }

    /// The line style of a ranking's direction.
    public static func dash(_ ranking: String) -> DashStyle {
        method(ranking) == "random" ? .dashed : (ranking.hasSuffix("↑") ? .dotted : .solid)
    }

    /// One line style for a ranking: its colour and its direction's dash.
    static func series(_ ranking: String, x: [Double], y: [Double]) -> LineChart.Series {
        LineChart.Series(ranking, x: x, y: y, color: color(ranking), dash: dash(ranking))
    }

    /// The legend of figures drawn this way: the methods present by colour, then the three line styles in grey.
    public static func legend(for rankings: some Sequence<String>) -> [LegendEntry] {
        let present = Set(rankings.map(method))
        return methods.filter(present.contains).map { .line($0, color: colors[$0]!) }
            + [.line("top-to-bottom", color: .grey), .line("bottom-to-top", color: .grey, dash: .dotted),
               .line("random order", color: .grey, dash: .dashed)]
    }
}
