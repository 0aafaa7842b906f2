/// Lays out and draws legend entries outside a plot area: columns on the right (a new column
/// when one would run past `maxHeight`) or wrapped, centred rows underneath.
///
/// ```swift
/// let block = SVGLegend(entries: entries, position: .right, maxWidth: 200, maxHeight: plot.height)
/// block.draw(into: &svg, x: plot.maxX + 18, y: plot.y)
/// ```
struct SVGLegend {
    static let fontSize = 11.0
    static let rowHeight = 17.0
    static let sampleWidth = 24.0
    static let gap = 6.0
    static let entrySpacing = 18.0

    let entries: [LegendEntry]
    let position: LegendPosition
    /// Display names, truncated to fit.
    let names: [String]
    /// Top-left corner of each entry relative to the legend's top-left corner.
    let offsets: [(x: Double, y: Double)]
    let width: Double
    let height: Double

    /// A legend no wider than `maxWidth` (right: per column); hidden or empty legends measure 0×0.
    init(entries: [LegendEntry], position: LegendPosition, maxWidth: Double, maxHeight: Double = .infinity) {
        self.entries = position == .hidden ? [] : entries
        self.position = position
        let nameWidth = max(maxWidth - Self.sampleWidth - Self.gap, 20)
        names = self.entries.map { TextMetrics.truncate($0.name, toWidth: nameWidth, size: Self.fontSize) }
        let widths = names.map { Self.sampleWidth + Self.gap + TextMetrics.width($0, size: Self.fontSize) }
        var offsets: [(x: Double, y: Double)] = []
        if self.entries.isEmpty {
            width = 0
            height = 0
        } else if position == .right {
            let perColumn = max(Int(maxHeight / Self.rowHeight), 1)
            var x = 0.0
            var totalWidth = 0.0
            for start in stride(from: 0, to: widths.count, by: perColumn) {
                let column = start..<min(start + perColumn, widths.count)
                for (row, _) in column.enumerated() { offsets.append((x, Double(row) * Self.rowHeight)) }
                let columnWidth = column.map { widths[$0] }.max() ?? 0
                totalWidth = x + columnWidth
                x += columnWidth + Self.entrySpacing
            }
            width = totalWidth
            height = Double(min(perColumn, widths.count)) * Self.rowHeight
        } else {
            var rows: [[Int]] = [[]]
            var lineWidth = 0.0
            for (index, entryWidth) in widths.enumerated() {
                let extra = rows[rows.count - 1].isEmpty ? entryWidth : Self.entrySpacing + entryWidth
                if !rows[rows.count - 1].isEmpty && lineWidth + extra > maxWidth {
                    rows.append([index])
                    lineWidth = entryWidth
                } else {
                    rows[rows.count - 1].append(index)
                    lineWidth += extra
                }
            }
            let rowWidths = rows.map { row in
                row.map { widths[$0] }.reduce(0, +) + Double(max(row.count - 1, 0)) * Self.entrySpacing
            }
            width = rowWidths.max() ?? 0
            height = Double(rows.count) * Self.rowHeight
            for (rowIndex, row) in rows.enumerated() {
                var x = (width - rowWidths[rowIndex]) / 2
                for index in row {
                    offsets.append((x, Double(rowIndex) * Self.rowHeight))
                    x += widths[index] + Self.entrySpacing
                }
            }
        }
        self.offsets = offsets
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Draws the legend with its top-left corner at (x, y).
    func draw(into svg: inout SVGCanvas, x: Double, y: Double) {
        for (index, entry) in entries.enumerated() {
            let left = x + offsets[index].x
            let middle = y + offsets[index].y + Self.rowHeight / 2
            Self.drawSample(entry, x: left, y: middle, into: &svg)
            svg.text(names[index], x: left + Self.sampleWidth + Self.gap,
                     y: SVGCanvas.baseline(centeredOn: middle, size: Self.fontSize), size: Self.fontSize)
        }
    }

    /// The sample symbol, `sampleWidth` wide, vertically centred on `y`.
    static func drawSample(_ entry: LegendEntry, x: Double, y: Double, into svg: inout SVGCanvas) {
        switch entry.symbol {
        case .line(let dash, let marker):
            svg.line(x1: x + 1, y1: y, x2: x + sampleWidth - 1, y2: y, stroke: entry.color, width: 2, dash: dash)
            if let marker { svg.marker(marker, x: x + sampleWidth / 2, y: y, size: 7, color: entry.color) }
        case .swatch:
            svg.rect(PlotRect(x: x + sampleWidth / 2 - 6, y: y - 6, width: 12, height: 12), fill: entry.color)
        case .marker(let marker):
            svg.marker(marker, x: x + sampleWidth / 2, y: y, size: 9, color: entry.color)
        }
    }
}
