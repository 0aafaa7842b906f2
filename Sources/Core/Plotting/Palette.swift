/// The qualitative palette for series and categories: Okabe & Ito's eight colour-blind-safe
/// colours, ordered so that the first few contrast most on white (yellow comes last).
///
/// ```swift
/// Palette.color(0)   // blue #0072b2
/// Palette.color(9)   // wraps around: vermillion #d55e00
/// ```
public enum Palette {
    /// Blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow.
    public static let okabeIto: [PlotColor] = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
    ].map { PlotColor(hex: $0)! }

    /// The colour for series or category `index`, cycling through `okabeIto`.
    public static func color(_ index: Int) -> PlotColor {
        okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }
}
