import Foundation

/// An opaque sRGB colour for figures, with its SVG hex form and nearest xterm-256 index.
///
/// ```swift
/// let orange = PlotColor(hex: "#E69F00")!
/// orange.hex          // "#e69f00"
/// orange.ansi256      // 214, for terminal rendering
/// ```
public struct PlotColor: Sendable, Hashable {
    /// Red channel, 0–255.
    public var red: UInt8
    /// Green channel, 0–255.
    public var green: UInt8
    /// Blue channel, 0–255.
    public var blue: UInt8

    /// A colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from `#rrggbb` or `rrggbb`; nil when the text is not six hex digits.
    public init?(hex: String) {
        let digits = hex.hasPrefix("#") ? hex.dropFirst() : Substring(hex)
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        self.init(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
    }

    /// The `#rrggbb` form used in SVG attributes.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for channel in [red, green, blue] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0xF)])
        }
        return text
    }

    /// Relative luminance (WCAG), 0 for black to 1 for white; picks readable text on a fill.
    public var luminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let c = Double(channel) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Black or white, whichever reads better on this colour.
    public var contrastingText: PlotColor { luminance > 0.22 ? .black : .white }

    /// The straight-line mix `self·(1 − fraction) + other·fraction` in sRGB.
    public func mixed(with other: PlotColor, fraction: Double) -> PlotColor {
        let t = min(max(fraction, 0), 1)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - t) + Double(b) * t).rounded()) }
        return PlotColor(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    /// The nearest colour of the xterm 256-colour palette (6×6×6 cube or grey ramp), for
    /// `ESC[38;5;Nm` foregrounds and `ESC[48;5;Nm` backgrounds.
    public var ansi256: UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ channel: UInt8) -> Int {
            var best = 0
            for (index, level) in levels.enumerated() where abs(level - Int(channel)) < abs(levels[best] - Int(channel)) {
                best = index
            }
            return best
        }
        func distance(_ r: Int, _ g: Int, _ b: Int) -> Int {
            let dr = r - Int(red), dg = g - Int(green), db = b - Int(blue)
            return dr * dr + dg * dg + db * db
        }
        let (r, g, b) = (nearestLevel(red), nearestLevel(green), nearestLevel(blue))
        let cubeDistance = distance(levels[r], levels[g], levels[b])
        let mean = (Int(red) + Int(green) + Int(blue)) / 3
        let greyIndex = min(max((mean - 8 + 5) / 10, 0), 23)
        let grey = 8 + 10 * greyIndex
        if distance(grey, grey, grey) < cubeDistance { return UInt8(232 + greyIndex) }
        return UInt8(16 + 36 * r + 6 * g + b)
    }

    /// Pure black.
    public static let black = PlotColor(red: 0, green: 0, blue: 0)
    /// Pure white.
    public static let white = PlotColor(red: 255, green: 255, blue: 255)
    /// A mid grey for neutral legend entries (line styles that mean a direction, not a method).
    public static let grey = PlotColor(red: 0x77, green: 0x77, blue: 0x77)
    /// Light grey of grid lines.
    static let grid = PlotColor(red: 0xE3, green: 0xE3, blue: 0xE3)
    /// Dark grey of axes, ticks and labels.
    static let ink = PlotColor(red: 0x33, green: 0x33, blue: 0x33)
    /// Fill of missing (NaN) heatmap cells.
    static let missing = PlotColor(red: 0xF0, green: 0xF0, blue: 0xF0)
}
