/// A pixel grid at Braille resolution: each terminal cell holds 2×4 dots (U+2800…U+28FF), so a
/// chart `columns` wide and `rows` high has `2·columns × 4·rows` pixels.
///
/// ```swift
/// var dots = BrailleCanvas(columns: 40, rows: 10)
/// dots.line(from: (0, 39), to: (79, 0), color: 33, dash: .solid)
/// terminal.blit(dots, row: 1, column: 6)
/// ```
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private(set) var bits: [UInt8]
    private(set) var colors: [UInt8?]

    var pixelWidth: Int { columns * 2 }
    var pixelHeight: Int { rows * 4 }

    init(columns: Int, rows: Int) {
        precondition(columns >= 1 && rows >= 1, "BrailleCanvas: size must be positive, got \(columns)×\(rows)")
        self.columns = columns
        self.rows = rows
        bits = Array(repeating: 0, count: columns * rows)
        colors = Array(repeating: nil, count: columns * rows)
    }

    /// The dot bit of pixel (x mod 2, y mod 4) within its cell.
    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Turns on pixel (x, y) (origin top-left); outside pixels are ignored.
    mutating func set(x: Int, y: Int, color: UInt8?) {
        guard x >= 0, x < pixelWidth, y >= 0, y < pixelHeight else { return }
        let cell = (y / 4) * columns + x / 2
        bits[cell] |= Self.dotBits[x % 2][y % 4]
        colors[cell] = color
    }

    /// A straight line between pixel positions, clipped to the grid, with a dash pattern.
    mutating func line(from start: (Double, Double), to end: (Double, Double), color: UInt8?, dash: DashStyle,
                       phase: inout Int) {
        guard let (a, b) = clip(start, end) else { return }
        var x0 = Int(a.0.rounded()), y0 = Int(a.1.rounded())
        let x1 = Int(b.0.rounded()), y1 = Int(b.1.rounded())
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            if dash.drawsPixel(phase) { set(x: x0, y: y0, color: color) }
            phase += 1
            if x0 == x1 && y0 == y1 { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x0 += sx }
            if doubled <= dx { error += dx; y0 += sy }
        }
    }

    /// Liang–Barsky clipping of a segment to the pixel rectangle.
    private func clip(_ p: (Double, Double), _ q: (Double, Double)) -> ((Double, Double), (Double, Double))? {
        guard p.0.isFinite, p.1.isFinite, q.0.isFinite, q.1.isFinite else { return nil }
        let maxX = Double(pixelWidth - 1) + 0.49, maxY = Double(pixelHeight - 1) + 0.49
        let dx = q.0 - p.0, dy = q.1 - p.1
        var t0 = 0.0, t1 = 1.0
        for (denominator, numerator) in [(-dx, p.0 + 0.49), (dx, maxX - p.0), (-dy, p.1 + 0.49), (dy, maxY - p.1)] {
            if denominator == 0 {
                if numerator < 0 { return nil }
            } else {
                let t = numerator / denominator
                if denominator < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
                if t0 > t1 { return nil }
            }
        }
        return ((p.0 + t0 * dx, p.1 + t0 * dy), (p.0 + t1 * dx, p.1 + t1 * dy))
    }

    /// The Braille character of cell (row, column), or nil when no dot is set.
    func character(row: Int, column: Int) -> Character? {
        let value = bits[row * columns + column]
        guard value != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(value)) else { return nil }
        return Character(scalar)
    }

    /// Copies the non-empty cells onto `canvas` with the top-left at (row, column).
    func composite(into canvas: inout TerminalCanvas, row: Int, column: Int) {
        for r in 0..<rows {
            for c in 0..<columns {
                if let character = character(row: r, column: c) {
                    canvas.set(character, row: row + r, column: column + c, foreground: colors[r * columns + c])
                }
            }
        }
    }
}
