import Foundation

/// Fast number-to-text for figures: SVG coordinates and fixed-decimal labels without
/// `String(format:)` (thousands of coordinates per chart).
///
/// ```swift
/// PlotFormat.coordinate(12.3456)       // "12.35"
/// PlotFormat.fixed(0.5, decimals: 2)   // "0.50"
/// ```
enum PlotFormat {
    /// Up to two decimals, trailing zeros dropped, never "-0".
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return "0" }
        let scaled = Int((abs(value) * 100).rounded())
        let whole = scaled / 100, fraction = scaled % 100
        var text = value < 0 && scaled != 0 ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            text += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
        }
        return text
    }

    /// Exactly `decimals` digits after the point (rounded half away from zero); NaN as "–".
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "-∞") }
        let digits = min(max(decimals, 0), 9)
        guard abs(value) < 1e15 / pow(10, Double(digits)) else { return String(format: "%.3g", value) }
        let scale = Int(pow(10, Double(digits)))
        let scaled = Int((abs(value) * Double(scale)).rounded())
        var text = value < 0 && scaled != 0 ? "-" : ""
        text += String(scaled / scale)
        if digits > 0 {
            let fraction = String(scaled % scale)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// A short label for any value: integers as integers, else up to three significant decimals.
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return fixed(value, decimals: 0) }
        if value == value.rounded(), abs(value) < 1e15 { return fixed(value, decimals: 0) }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3
        var text = fixed(value, decimals: decimals)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
