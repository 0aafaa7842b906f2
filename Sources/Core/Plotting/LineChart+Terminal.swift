/// Terminal rendering of line charts: Braille-dot lines (2×4 pixels per character).
extension LineChart {
    /// The chart in exactly `height` lines of `width` characters; `color` adds ANSI colours
    /// (one per series, from the palette) to lines and legend samples.
    ///
    /// ```swift
    /// print(chart.terminal(width: 80, height: 20, color: true))
    /// ```
    public func terminal(width: Int, height: Int, color: Bool) -> String {
        terminalCanvas(width: width, height: height, showsLegend: legend != .hidden).render(color: color)
    }

    /// The chart drawn on a canvas (panels of a `FigureGrid` hide their legends).
    func terminalCanvas(width: Int, height: Int, showsLegend: Bool) -> TerminalCanvas {
        let frame = TerminalFrame(width: width, height: height, title: title, xAxis: xAxis, xData: xExtent,
                                  yAxis: yAxis, yData: yExtent, legend: showsLegend ? resolvedLegendEntries : [])
        var canvas = TerminalCanvas(width: width, height: height)
        var dots = BrailleCanvas(columns: frame.plotColumns, rows: frame.plotRows)
        for (index, s) in series.enumerated() {
            let ansi = color(ofSeries: index).ansi256
            var previous: (Double, Double)? = nil
            var phase = 0
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite {
                let point = (frame.pixelX(x), frame.pixelY(y))
                dots.line(from: previous ?? point, to: point, color: ansi, dash: s.dash, phase: &phase)
                previous = point
            }
        }
        dots.composite(into: &canvas, row: frame.plotTop, column: frame.plotLeft)
        for (index, s) in series.enumerated() {
            guard let marker = s.marker else { continue }
            for point in Self.markerIndices(count: s.x.count) {
                if let cell = frame.cell(x: s.x[point], y: s.y[point]) {
                    canvas.set(marker.glyph, row: cell.row, column: cell.column, foreground: color(ofSeries: index).ansi256)
                }
            }
        }
        frame.draw(into: &canvas)
        return canvas
    }
}
