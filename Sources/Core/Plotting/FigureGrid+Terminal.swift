/// Terminal rendering of figure grids.
extension FigureGrid {
    /// The panels side by side in exactly `height` lines of `width` characters, the title on
    /// top and the shared legend at the bottom.
    ///
    /// ```swift
    /// print(figure.terminal(width: 120, height: 24, color: true))
    /// ```
    public func terminal(width: Int, height: Int, color: Bool) -> String {
        var canvas = TerminalCanvas(width: width, height: height)
        let legendLines = TerminalLegend(entries: resolvedLegendEntries, width: width)
        var top = 0
        if !title.isEmpty && height >= 8 {
            let text = TerminalCanvas.fit(title, width: width)
            canvas.put(text, row: 0, column: max((width - text.count) / 2, 0))
            top = 1
        }
        let legendRows = min(legendLines.lines.count, max(height - top - 4 * rows, 0))
        let gap = 2
        let panelWidth = max((width - gap * (columns - 1)) / columns, 12)
        let panelHeight = max((height - top - legendRows) / rows, 4)
        for (index, panel) in panels.enumerated() {
            let row = top + (index / columns) * panelHeight
            let column = (index % columns) * (panelWidth + gap)
            let sub: TerminalCanvas
            switch panel {
            case .line(let chart): sub = chart.terminalCanvas(width: panelWidth, height: panelHeight, showsLegend: false)
            case .heatmap(let map): sub = map.terminalCanvas(width: panelWidth, height: panelHeight, color: color)
            case .scatter(let plot): sub = plot.terminalCanvas(width: panelWidth, height: panelHeight, showsLegend: false)
            case .bars(let chart):
                sub = chart.terminalCanvas(width: panelWidth, height: panelHeight, color: color, showsLegend: false)
            }
            canvas.blit(sub, row: row, column: column)
        }
        legendLines.draw(into: &canvas, row: height - legendRows, maxLines: legendRows)
        return canvas.render(color: color)
    }
}
