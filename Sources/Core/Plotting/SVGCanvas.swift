/// Builds the text of an SVG 1.1 document element by element, escaping all text and writing
/// coordinates with at most two decimals.
///
/// ```swift
/// var svg = SVGCanvas(width: 200, height: 100)
/// svg.line(x1: 10, y1: 90, x2: 190, y2: 90, stroke: .black)
/// svg.text("a < b", x: 100, y: 50, anchor: .middle)
/// let document = svg.document()
/// ```
struct SVGCanvas {
    /// Horizontal alignment of text at its x coordinate.
    enum Anchor: String { case start, middle, end }

    let width: Double
    let height: Double
    private(set) var body = ""

    init(width: Double, height: Double) {
        precondition(width > 0 && height > 0, "SVGCanvas: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        body.reserveCapacity(32_768)
    }

    /// The complete document: XML declaration, `<svg>` root with size and viewBox, white background.
    func document() -> String {
        let w = PlotFormat.coordinate(width), h = PlotFormat.coordinate(height)
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)">
        <rect x="0" y="0" width="\(w)" height="\(h)" fill="#ffffff"/>

        """ + body + "</svg>\n"
    }

    /// XML-escapes `&`, `<`, `>`, `"` and `'`, and drops characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func f(_ value: Double) -> String { PlotFormat.coordinate(value) }

    /// Appends a comment-free raw fragment (already escaped).
    mutating func raw(_ fragment: String) { body += fragment }

    mutating func rect(_ r: PlotRect, fill: PlotColor?, stroke: PlotColor? = nil, strokeWidth: Double = 1,
                       opacity: Double? = nil, fillURL: String? = nil) {
        body += "<rect x=\"\(Self.f(r.x))\" y=\"\(Self.f(r.y))\" width=\"\(Self.f(max(r.width, 0)))\" height=\"\(Self.f(max(r.height, 0)))\""
        if let fillURL { body += " fill=\"url(#\(fillURL))\"" } else { body += " fill=\"\(fill?.hex ?? "none")\"" }
        if let stroke { body += " stroke=\"\(stroke.hex)\" stroke-width=\"\(Self.f(strokeWidth))\"" }
        if let opacity { body += " fill-opacity=\"\(Self.f(opacity))\"" }
        body += "/>\n"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: PlotColor, width: Double = 1,
                       dash: DashStyle = .solid, crisp: Bool = false) {
        body += "<line x1=\"\(Self.f(x1))\" y1=\"\(Self.f(y1))\" x2=\"\(Self.f(x2))\" y2=\"\(Self.f(y2))\" stroke=\"\(stroke.hex)\" stroke-width=\"\(Self.f(width))\""
        if let dashes = dash.svgDashArray(width: width) {
            body += " stroke-dasharray=\"\(dashes)\" stroke-linecap=\"round\""
        }
        if crisp { body += " shape-rendering=\"crispEdges\"" }
        body += "/>\n"
    }

    /// One `<polyline>` through the points (non-finite points skipped), clipped to `clipID`.
    mutating func polyline(xs: [Double], ys: [Double], stroke: PlotColor, width: Double, dash: DashStyle,
                           clipID: String?) {
        body += "<polyline fill=\"none\" stroke=\"\(stroke.hex)\" stroke-width=\"\(Self.f(width))\" stroke-linejoin=\"round\""
        if let dashes = dash.svgDashArray(width: width) {
            body += " stroke-dasharray=\"\(dashes)\" stroke-linecap=\"round\""
        }
        if let clipID { body += " clip-path=\"url(#\(clipID))\"" }
        body += " points=\""
        var first = true
        for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite {
            if !first { body += " " }
            first = false
            body += Self.f(x)
            body += ","
            body += Self.f(y)
        }
        body += "\"/>\n"
    }

    /// A closed, filled `<path>` through the points.
    mutating func area(xs: [Double], ys: [Double], fill: PlotColor, opacity: Double, clipID: String?) {
        body += "<path fill=\"\(fill.hex)\" fill-opacity=\"\(Self.f(opacity))\" stroke=\"none\""
        if let clipID { body += " clip-path=\"url(#\(clipID))\"" }
        body += " d=\""
        var command = "M"
        for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite {
            body += command + Self.f(x) + "," + Self.f(y)
            command = " L"
        }
        body += " Z\"/>\n"
    }

    /// A point symbol centred on (x, y), `size` pixels across.
    mutating func marker(_ marker: Marker, x: Double, y: Double, size: Double, color: PlotColor, clipID: String? = nil) {
        let r = size / 2
        let clip = clipID.map { " clip-path=\"url(#\($0))\"" } ?? ""
        let paint = " fill=\"\(color.hex)\" stroke=\"#ffffff\" stroke-width=\"0.6\"\(clip)/>\n"
        switch marker {
        case .circle:
            body += "<circle cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"\(Self.f(r))\"" + paint
        case .square:
            let s = r * 0.9
            body += "<rect x=\"\(Self.f(x - s))\" y=\"\(Self.f(y - s))\" width=\"\(Self.f(2 * s))\" height=\"\(Self.f(2 * s))\"" + paint
        case .triangle:
            polygon([(x, y - r * 1.15), (x + r * 1.05, y + r * 0.75), (x - r * 1.05, y + r * 0.75)], paint: paint)
        case .diamond:
            polygon([(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)], paint: paint)
        case .plus, .cross:
            let a = r * 1.1, b = r * 0.35
            var points: [(Double, Double)] = [(-b, -a), (b, -a), (b, -b), (a, -b), (a, b), (b, b),
                                              (b, a), (-b, a), (-b, b), (-a, b), (-a, -b), (-b, -b)]
            if marker == .cross {
                let c = 0.7071067811865476
                points = points.map { ($0.0 * c - $0.1 * c, $0.0 * c + $0.1 * c) }
            }
            polygon(points.map { (x + $0.0, y + $0.1) }, paint: paint)
        }
    }

    private mutating func polygon(_ points: [(Double, Double)], paint: String) {
        body += "<polygon points=\"" + points.map { Self.f($0.0) + "," + Self.f($0.1) }.joined(separator: " ") + "\"" + paint
    }

    /// A `<text>` in sans-serif; `y` is the baseline. `rotation` in degrees about (x, y).
    mutating func text(_ text: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start,
                       fill: PlotColor = .ink, bold: Bool = false, rotation: Double? = nil) {
        guard !text.isEmpty else { return }
        body += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" font-family=\"sans-serif\" font-size=\"\(Self.f(size))\""
        if anchor != .start { body += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { body += " font-weight=\"bold\"" }
        body += " fill=\"\(fill.hex)\""
        if let rotation { body += " transform=\"rotate(\(Self.f(rotation)) \(Self.f(x)) \(Self.f(y)))\"" }
        body += ">" + Self.escape(text) + "</text>\n"
    }

    /// Defines a rectangular clip path named `id`.
    mutating func clipRect(id: String, _ r: PlotRect) {
        body += "<defs><clipPath id=\"\(id)\"><rect x=\"\(Self.f(r.x))\" y=\"\(Self.f(r.y))\" width=\"\(Self.f(r.width))\" height=\"\(Self.f(r.height))\"/></clipPath></defs>\n"
    }

    /// Defines a vertical gradient named `id` from `scale`'s low end (bottom) to high end (top).
    mutating func verticalGradient(id: String, scale: ColorScale) {
        body += "<defs><linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        let count = max(scale.stops.count, 2)
        for index in 0..<count {
            let t = Double(index) / Double(count - 1)
            body += "<stop offset=\"\(Self.f(t))\" stop-color=\"\(scale.color(at: t).hex)\"/>"
        }
        body += "</linearGradient></defs>\n"
    }
}

/// Vertical placement helpers for text of a given size.
extension SVGCanvas {
    /// The baseline that centres text of `size` vertically on `y`.
    static func baseline(centeredOn y: Double, size: Double) -> Double { y + size * 0.35 }
}
