/// Estimated advance widths of sans-serif text (DejaVu Sans metrics, the widest common
/// `sans-serif` face, so layouts built on them leave room in Helvetica and Arial too).
///
/// ```swift
/// TextMetrics.width("accuracy", size: 12)   // ≈ 51 px
/// ```
enum TextMetrics {
    /// Widths of ASCII 32…126 in em.
    private static let ascii: [Double] = {
        var table = [Double](repeating: 0.6, count: 128)
        let widths: [(String, Double)] = [
            (" ,.", 0.318), ("!", 0.401), ("\"", 0.460), ("#+<=>^~", 0.838), ("$0123456789{}", 0.636),
            ("%", 0.950), ("&", 0.780), ("'", 0.275), ("()[]", 0.390), ("*_`", 0.500), ("-", 0.361),
            ("/\\:;|", 0.337), ("?", 0.531), ("@", 1.0),
            ("A", 0.684), ("B", 0.686), ("C", 0.698), ("D", 0.770), ("E", 0.632), ("F", 0.575), ("G", 0.775),
            ("H", 0.752), ("IJ", 0.295), ("K", 0.656), ("L", 0.557), ("M", 0.863), ("N", 0.748), ("OQ", 0.787),
            ("P", 0.603), ("R", 0.695), ("S", 0.635), ("TY", 0.611), ("U", 0.732), ("V", 0.684), ("W", 0.989),
            ("XZ", 0.685), ("a", 0.613), ("bdgpq", 0.635), ("c", 0.550), ("e", 0.615), ("f", 0.352),
            ("hnu", 0.634), ("ijl", 0.278), ("k", 0.579), ("m", 0.974), ("o", 0.612), ("r", 0.411),
            ("s", 0.521), ("t", 0.392), ("vxy", 0.592), ("w", 0.818), ("z", 0.525),
        ]
        for (characters, width) in widths {
            for scalar in characters.unicodeScalars { table[Int(scalar.value)] = width }
        }
        return table
    }()

    /// The width of one scalar in em.
    static func advance(_ scalar: Unicode.Scalar) -> Double {
        let value = scalar.value
        if value < 128 { return ascii[Int(value)] }
        if value >= 0x2E80 { return 1.0 }                   // CJK and wider
        switch scalar {
        case "…", "—", "→", "↑", "↓": return 1.0
        case "–": return 0.5
        case "−", "×", "±", "≤", "≥": return 0.838
        default: return 0.7
        }
    }

    /// The estimated width in pixels of `text` at font size `size`.
    static func width(_ text: String, size: Double) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars { em += advance(scalar) }
        return em * size
    }

    /// The widest of `texts` at `size` (0 when empty).
    static func maxWidth(_ texts: [String], size: Double) -> Double {
        texts.reduce(0) { max($0, width($1, size: size)) }
    }

    /// `text`, shortened with "…" to fit `maxWidth` pixels.
    static func truncate(_ text: String, toWidth maxWidth: Double, size: Double) -> String {
        if width(text, size: size) <= maxWidth { return text }
        var characters = Array(text)
        while !characters.isEmpty && width(String(characters) + "…", size: size) > maxWidth { characters.removeLast() }
        return String(characters) + "…"
    }
}
