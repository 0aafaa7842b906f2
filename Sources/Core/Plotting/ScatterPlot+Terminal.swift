/// Terminal rendering of scatter plots: one glyph per point (●■▲◆+×, one per category).
extension ScatterPlot {
    /// The plot in exactly `height` lines of `width` characters; `color` colours the glyphs
    /// by category.
    ///
    /// ```swift
    /// print(plot.terminal(width: 70, height: 22, color: true))
    /// ```
    public func terminal(width: Int, height: Int, color: Bool) -> String {
        terminalCanvas(width: width, height: height, showsLegend: legend != .hidden).render(color: color)
    }

    func terminalCanvas(width: Int, height: Int, showsLegend: Bool) -> TerminalCanvas {
        let frame = TerminalFrame(width: width, height: height, title: title, xAxis: drawnXAxis, xData: xExtent,
                                  yAxis: drawnYAxis, yData: yExtent, legend: showsLegend ? resolvedLegendEntries : [])
        var canvas = TerminalCanvas(width: width, height: height)
        for point in points {
            guard let cell = frame.cell(x: point.x, y: point.y) else { continue }
            canvas.set(marker(ofCategory: point.category).glyph, row: cell.row, column: cell.column,
                       foreground: color(ofCategory: point.category).ansi256)
        }
        frame.draw(into: &canvas)
        return canvas
    }
}
