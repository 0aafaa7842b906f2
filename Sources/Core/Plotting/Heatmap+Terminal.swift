/// Terminal rendering of heatmaps: shaded cells (" ░▒▓█", or 256-colour backgrounds).
extension Heatmap {
    /// The heatmap in exactly `height` lines of `width` characters. Plain cells are a shade
    /// from `shades` followed by the value when it fits; coloured cells use the colour scale as
    /// background. Rows that do not fit are summarised in a "… n more rows" line.
    ///
    /// ```swift
    /// print(overlap.terminal(width: 60, height: 8, color: true))
    /// ```
    public func terminal(width: Int, height: Int, color: Bool) -> String {
        terminalCanvas(width: width, height: height, color: color).render(color: color)
    }

    func terminalCanvas(width: Int, height: Int, color: Bool) -> TerminalCanvas {
        precondition(width >= 12 && height >= 3, "terminal heatmap: needs at least 12×3 characters, got \(width)×\(height)")
        var canvas = TerminalCanvas(width: width, height: height)
        let rows = values.count, columns = columnLabels.count
        let rowLabelWidth = min(rowLabels.map(\.count).max() ?? 0, width / 3)
        let valueWidth = values.lazy.flatMap { $0 }.compactMap(annotation).map(\.count).max() ?? 0
        let available = width - rowLabelWidth - 1
        let wanted = max(max(columnLabels.map(\.count).max() ?? 0, valueWidth + 3) + 1, 3)
        let cellWidth = max(min(wanted, available / max(columns, 1)), 2)
        let shownColumns = min(columns, max(available / cellWidth, 1))

        var row = 0
        if !title.isEmpty {
            let text = TerminalCanvas.fit(title, width: width)
            canvas.put(text, row: 0, column: max((width - text.count) / 2, 0))
            row += 1
        }
        if row < height {
            // Labels cut to the cell; when that makes them alike ("attri…"), keep their ends instead.
            var labels = columnLabels.prefix(shownColumns).map { TerminalCanvas.fit($0, width: cellWidth - 1) }
            if Set(labels).count < labels.count {
                labels = columnLabels.prefix(shownColumns).map { label in
                    label.count <= cellWidth - 1 ? label : "…" + String(label.suffix(max(cellWidth - 2, 0)))
                }
            }
            for (c, label) in labels.enumerated() {
                canvas.put(label, row: row, column: rowLabelWidth + 1 + c * cellWidth)
            }
            row += 1
        }
        let colorBarRows = height - row > 1 ? 1 : 0
        let rowsLeft = height - row - colorBarRows
        let shownRows = rows <= rowsLeft ? rows : max(rowsLeft - 1, 0)
        for r in 0..<shownRows {
            canvas.put(TerminalCanvas.fit(rowLabels[r], width: rowLabelWidth), row: row, column: 0)
            for c in 0..<shownColumns {
                let value = values[r][c]
                let start = rowLabelWidth + 1 + c * cellWidth
                let text = annotation(value)
                if color {
                    let fill = value.isFinite ? colorScale.color(at: normalized(value)) : .missing
                    var cell = String(repeating: " ", count: cellWidth - 1)
                    if let text, text.count <= cellWidth - 1 {
                        cell = String(repeating: " ", count: cellWidth - 1 - text.count) + text
                    }
                    canvas.put(cell, row: row, column: start, foreground: fill.contrastingText.ansi256, background: fill.ansi256)
                } else {
                    let shade = shade(of: value)
                    if let text, text.count + 3 <= cellWidth - 1 {
                        let pad = cellWidth - 1 - 2 - text.count
                        canvas.put(String(repeating: shade, count: 2) + String(repeating: " ", count: pad) + text,
                                   row: row, column: start)
                    } else {
                        canvas.put(String(repeating: shade, count: cellWidth - 1), row: row, column: start)
                    }
                }
            }
            row += 1
        }
        if shownRows < rows && row < height {
            canvas.put("… \(rows - shownRows) more rows", row: row, column: 0)
            row += 1
        }
        if colorBarRows == 1 {
            let range = resolvedRange
            let low = PlotFormat.compact(range.lowerBound), high = PlotFormat.compact(range.upperBound)
            var column = max(rowLabelWidth + 1, 0)
            let caption = colorBarLabel.isEmpty ? "" : colorBarLabel + ": "
            canvas.put(caption + low + " ", row: height - 1, column: column)
            column += caption.count + low.count + 1
            if color {
                for step in 0..<10 {
                    canvas.set(" ", row: height - 1, column: column + step, background: colorScale.color(at: Double(step) / 9).ansi256)
                }
                column += 10
            } else {
                canvas.put("[" + String(Self.shades) + "]", row: height - 1, column: column)
                column += Self.shades.count + 2
            }
            canvas.put(" " + high, row: height - 1, column: column)
        }
        if shownColumns < columns {
            canvas.put("…", row: height - 1, column: width - 1)
        }
        return canvas
    }
}
