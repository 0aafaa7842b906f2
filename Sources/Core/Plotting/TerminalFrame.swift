/// The layout and decoration of an x–y plot in a terminal: a header (y label, title), a plot
/// area with a Braille pixel mapping, a ruled y axis with tick labels, an x axis with ticks and
/// labels, the x label and legend lines.
///
/// ```text
/// accuracy          Linear
/// 1.0┤      ⣀⣀⠤⠤⠒⠒⠉⠉
/// 0.5┤  ⢀⠔⠊
/// 0.0┼⠔⠁
///    └┬──────┬──────┬
///     0     50    100
///            k
/// ── Probeless  ┈┈ Probeless ↑
/// ```
struct TerminalFrame {
    let width: Int
    let height: Int
    let title: String
    let xLabel: String
    let yLabel: String
    let hasHeader: Bool
    let hasXLabel: Bool
    let plotTop: Int
    let plotRows: Int
    let plotLeft: Int
    let plotColumns: Int
    let xTicks: NiceTicks
    let yTicks: NiceTicks
    let legend: TerminalLegend
    let legendRows: Int

    init(width: Int, height: Int, title: String, xAxis: Axis, xData: ClosedRange<Double>?, yAxis: Axis,
         yData: ClosedRange<Double>?, legend entries: [LegendEntry]) {
        precondition(width >= 12 && height >= 4, "terminal chart: needs at least 12×4 characters, got \(width)×\(height)")
        self.width = width
        self.height = height
        self.title = title
        xLabel = xAxis.label
        yLabel = yAxis.label
        legend = TerminalLegend(entries: entries, width: width)

        var header = !title.isEmpty || !yLabel.isEmpty
        var labelRow = !xLabel.isEmpty
        func fixedRows() -> Int { (header ? 1 : 0) + 2 + (labelRow ? 1 : 0) }
        if height - fixedRows() < 3 { labelRow = false }
        if height - fixedRows() < 3 { header = false }
        hasHeader = header
        hasXLabel = labelRow
        legendRows = min(legend.lines.count, max(0, height - fixedRows() - 3))
        plotTop = header ? 1 : 0
        plotRows = height - fixedRows() - legendRows

        yTicks = yAxis.ticks(data: yData, maxIntervals: min(max(plotRows / 2, 1), 6))
        let yLabelWidth = yTicks.labels.map(\.count).max() ?? 1
        plotLeft = yLabelWidth + 1
        let available = max(width - plotLeft - 1, 2)
        var maxIntervals = min(max(available / 8, 1), 8)
        var ticks = xAxis.ticks(data: xData, maxIntervals: maxIntervals)
        while maxIntervals > 1 {
            let widest = ticks.labels.map(\.count).max() ?? 1
            let spacing = Double(2 * available - 1) / 2 * ticks.step / max(ticks.upper - ticks.lower, ticks.step)
            if spacing >= Double(widest + 1) { break }
            maxIntervals -= 1
            ticks = xAxis.ticks(data: xData, maxIntervals: maxIntervals)
        }
        xTicks = ticks
        let overhang = max(1, (ticks.labels.last?.count ?? 1) / 2)
        plotColumns = max(width - plotLeft - overhang, 2)
    }

    /// Braille pixel column (0 … 2·plotColumns − 1) of data value `value`.
    func pixelX(_ value: Double) -> Double {
        let span = xTicks.upper - xTicks.lower
        return (span > 0 ? (value - xTicks.lower) / span : 0.5) * Double(2 * plotColumns - 1)
    }

    /// Braille pixel row (0 at the top … 4·plotRows − 1) of data value `value`.
    func pixelY(_ value: Double) -> Double {
        let span = yTicks.upper - yTicks.lower
        return (span > 0 ? (yTicks.upper - value) / span : 0.5) * Double(4 * plotRows - 1)
    }

    /// The canvas cell holding data point (x, y), or nil outside the plot area.
    func cell(x: Double, y: Double) -> (row: Int, column: Int)? {
        let px = pixelX(x).rounded(), py = pixelY(y).rounded()
        guard px.isFinite, py.isFinite, px >= 0, py >= 0, px < Double(2 * plotColumns), py < Double(4 * plotRows) else { return nil }
        return (plotTop + Int(py) / 4, plotLeft + Int(px) / 2)
    }

    /// Header, axes, ticks, labels and legend (data goes into the plot area separately).
    func draw(into canvas: inout TerminalCanvas) {
        let axisColumn = plotLeft - 1
        if hasHeader {
            let yText = TerminalCanvas.fit(yLabel, width: title.isEmpty ? width : max(width / 3, 1))
            canvas.put(yText, row: 0, column: 0)
            if !title.isEmpty {
                let room = width - (yText.isEmpty ? 0 : yText.count + 2)
                let titleText = TerminalCanvas.fit(title, width: max(room, 1))
                let centered = plotLeft + (plotColumns - titleText.count) / 2
                let start = max(centered, yText.isEmpty ? 0 : yText.count + 2)
                canvas.put(titleText, row: 0, column: min(start, width - titleText.count))
            }
        }
        for row in plotTop..<(plotTop + plotRows) { canvas.set("│", row: row, column: axisColumn) }
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let row = plotTop + min(max(Int(pixelY(value).rounded()) / 4, 0), plotRows - 1)
            canvas.set("┤", row: row, column: axisColumn)
            canvas.put(label, row: row, column: axisColumn - label.count)
        }
        let axisRow = plotTop + plotRows
        canvas.set("└", row: axisRow, column: axisColumn)
        for column in plotLeft..<(plotLeft + plotColumns) { canvas.set("─", row: axisRow, column: column) }
        var nextFree = 0
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            let column = plotLeft + min(max(Int(pixelX(value).rounded()) / 2, 0), plotColumns - 1)
            canvas.set("┬", row: axisRow, column: column)
            let start = min(max(column - (label.count - 1) / 2, 0), width - label.count)
            if start >= nextFree {
                canvas.put(label, row: axisRow + 1, column: start)
                nextFree = start + label.count + 1
            }
        }
        if hasXLabel {
            let text = TerminalCanvas.fit(xLabel, width: width)
            let start = min(max(plotLeft + (plotColumns - text.count) / 2, 0), width - text.count)
            canvas.put(text, row: axisRow + 2, column: start)
        }
        legend.draw(into: &canvas, row: height - legendRows, maxLines: legendRows)
    }
}
