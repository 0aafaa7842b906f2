/// A fixed grid of terminal cells (a character plus optional 256-colour foreground and
/// background) that renders to exactly `height` lines of `width` visible characters.
///
/// ```swift
/// var canvas = TerminalCanvas(width: 20, height: 2)
/// canvas.put("hello", row: 0, column: 0, foreground: 33)
/// canvas.render(color: false)   // "hello               \n                    "
/// ```
struct TerminalCanvas {
    struct Cell: Equatable {
        var character: Character = " "
        var foreground: UInt8? = nil
        var background: UInt8? = nil
    }

    let width: Int
    let height: Int
    private(set) var cells: [Cell]

    init(width: Int, height: Int) {
        precondition(width >= 1 && height >= 1, "TerminalCanvas: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        cells = Array(repeating: Cell(), count: width * height)
    }

    subscript(row: Int, column: Int) -> Cell {
        get { cells[row * width + column] }
        set { cells[row * width + column] = newValue }
    }

    /// Sets one cell; positions outside the grid are ignored.
    mutating func set(_ character: Character, row: Int, column: Int, foreground: UInt8? = nil, background: UInt8? = nil) {
        guard row >= 0, row < height, column >= 0, column < width else { return }
        cells[row * width + column] = Cell(character: character, foreground: foreground, background: background)
    }

    /// Writes `text` from (row, column) rightwards, clipped at the edges.
    mutating func put(_ text: String, row: Int, column: Int, foreground: UInt8? = nil, background: UInt8? = nil) {
        var position = column
        for character in text {
            set(character, row: row, column: position, foreground: foreground, background: background)
            position += 1
        }
    }

    /// Copies `other` with its top-left corner at (row, column).
    mutating func blit(_ other: TerminalCanvas, row: Int, column: Int) {
        for r in 0..<other.height where row + r >= 0 && row + r < height {
            for c in 0..<other.width where column + c >= 0 && column + c < width {
                self[row + r, column + c] = other[r, c]
            }
        }
    }

    /// The rows as text, joined by "\n"; with `color`, SGR escapes wrap runs of coloured cells.
    func render(color: Bool) -> String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for row in 0..<height {
            var line = ""
            var current: (UInt8?, UInt8?) = (nil, nil)
            for column in 0..<width {
                let cell = self[row, column]
                if color {
                    let style = (cell.foreground, cell.background)
                    if style != current {
                        if current != (nil, nil) { line += "\u{1B}[0m" }
                        if let foreground = style.0 { line += "\u{1B}[38;5;\(foreground)m" }
                        if let background = style.1 { line += "\u{1B}[48;5;\(background)m" }
                        current = style
                    }
                }
                line.append(cell.character)
            }
            if color && current != (nil, nil) { line += "\u{1B}[0m" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// `text` cut to `width` characters with a final "…" when it was longer.
    static func fit(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count <= width { return text }
        return String(text.prefix(width - 1)) + "…"
    }
}
