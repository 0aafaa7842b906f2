/// Terminal rendering of bar charts: horizontal bars with eighth-block ends.
extension BarChart {
    /// Fill characters that tell series apart in plain text.
    static let plainFills: [Character] = ["█", "▓", "▒", "░"]
    /// Partial blocks, one to seven eighths.
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The chart as horizontal bars in exactly `height` lines of `width` characters: a line per
    /// category and series, the value at the end. Plain text tells series apart by fill
    /// (█ ▓ ▒ ░); `color` colours them instead.
    ///
    /// ```swift
    /// print(chart.terminal(width: 70, height: 20))
    /// ```
    public func terminal(width: Int, height: Int, color: Bool) -> String {
        terminalCanvas(width: width, height: height, color: color, showsLegend: legend != .hidden).render(color: color)
    }

    func terminalCanvas(width: Int, height: Int, color: Bool, showsLegend: Bool) -> TerminalCanvas {
        precondition(width >= 12 && height >= 2, "terminal bar chart: needs at least 12×2 characters, got \(width)×\(height)")
        var canvas = TerminalCanvas(width: width, height: height)
        func fill(_ index: Int) -> Character { color ? "█" : Self.plainFills[index % Self.plainFills.count] }
        let entries = showsLegend ? resolvedLegendEntries : []
        let samples = series.indices.filter { !series[$0].name.isEmpty }.map { String(repeating: fill($0), count: 2) }
        let legend = TerminalLegend(entries: entries, width: width, samples: samples)

        var row = 0
        let header = title.isEmpty ? yAxis.label : (yAxis.label.isEmpty ? title : "\(title) (\(yAxis.label))")
        if !header.isEmpty && height >= 3 {
            let text = TerminalCanvas.fit(header, width: width)
            canvas.put(text, row: 0, column: max((width - text.count) / 2, 0))
            row = 1
        }
        let legendRows = min(legend.lines.count, max(height - row - 2, 0))
        let available = height - row - legendRows
        let perCategory = max(series.count, 1)
        let separators = series.count > 1 && categories.count * (perCategory + 1) - 1 <= available
        let needed = categories.count * perCategory + (separators ? categories.count - 1 : 0)
        let shownCategories = needed <= available ? categories.count
            : max((available - 1) / (perCategory + (separators ? 1 : 0)), 0)

        let labelWidth = min(categories.map(\.count).max() ?? 0, width / 3)
        let texts = series.map { $0.values.map(PlotFormat.compact) }
        let valueWidth = texts.lazy.flatMap { $0 }.map(\.count).max() ?? 1
        let barSpace = max(width - labelWidth - 2 - valueWidth, 1)
        let top = yAxis.range?.upperBound ?? max(yExtent.upperBound, 0)
        for c in 0..<shownCategories {
            for (s, bars) in series.enumerated() {
                if s == 0 { canvas.put(TerminalCanvas.fit(categories[c], width: labelWidth), row: row, column: 0) }
                canvas.set("│", row: row, column: labelWidth)
                let value = bars.values[c]
                let fraction = top > 0 && value.isFinite ? min(max(value / top, 0), 1) : 0
                var bar = ""
                let character = fill(s)
                if character == "█" {
                    let eighths = Int((fraction * Double(barSpace) * 8).rounded())
                    bar = String(repeating: "█", count: eighths / 8)
                    if eighths % 8 > 0 { bar.append(Self.eighths[eighths % 8 - 1]) }
                } else {
                    bar = String(repeating: character, count: Int((fraction * Double(barSpace)).rounded()))
                }
                canvas.put(bar, row: row, column: labelWidth + 1, foreground: self.color(ofSeries: s).ansi256)
                canvas.put(texts[s][c], row: row, column: labelWidth + 2 + bar.count)
                row += 1
            }
            if separators && c < shownCategories - 1 { row += 1 }
        }
        if shownCategories < categories.count {
            canvas.put("… \(categories.count - shownCategories) more", row: row, column: 0)
        }
        legend.draw(into: &canvas, row: height - legendRows, maxLines: legendRows)
        return canvas
    }
}
