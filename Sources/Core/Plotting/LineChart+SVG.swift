/// SVG rendering of line charts.
extension LineChart {
    /// A standalone SVG 1.1 document `width × height` pixels.
    ///
    /// ```swift
    /// let text = chart.svg()   // "<?xml version=…><svg …>…</svg>"
    /// ```
    public func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        render(into: &canvas, bounds: PlotRect(x: 0, y: 0, width: width, height: height), id: "p0", legend: legend)
        return canvas.document()
    }

    /// Draws the chart inside `bounds`; `id` prefixes element ids (unique per document).
    func render(into svg: inout SVGCanvas, bounds: PlotRect, id: String, legend position: LegendPosition) {
        let frame = CartesianFrame(in: bounds, title: title, x: .numeric(xAxis, xExtent), yAxis: yAxis, yData: yExtent,
                                   legend: resolvedLegendEntries, legendPosition: position)
        frame.drawGrid(into: &svg)
        let clipID = "\(id)-clip"
        svg.clipRect(id: clipID, frame.plot.expanded(by: 3))
        for (index, s) in series.enumerated() {
            guard let band = s.band else { continue }
            let xs = s.x.map(frame.x) + s.x.reversed().map(frame.x)
            let ys = band.upper.map(frame.y) + band.lower.reversed().map(frame.y)
            svg.area(xs: xs, ys: ys, fill: color(ofSeries: index), opacity: 0.18, clipID: clipID)
        }
        for (index, s) in series.enumerated() where !s.x.isEmpty {
            svg.polyline(xs: s.x.map(frame.x), ys: s.y.map(frame.y), stroke: color(ofSeries: index),
                         width: s.lineWidth, dash: s.dash, clipID: clipID)
            // A lone point draws no line: show it as a dot.
            let finite = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite }
            if finite.count == 1 && s.marker == nil {
                svg.marker(.circle, x: frame.x(finite[0].0), y: frame.y(finite[0].1), size: max(3 * s.lineWidth, 5),
                           color: color(ofSeries: index), clipID: clipID)
            }
        }
        for (index, s) in series.enumerated() {
            guard let marker = s.marker else { continue }
            for point in Self.markerIndices(count: s.x.count) where s.x[point].isFinite && s.y[point].isFinite {
                svg.marker(marker, x: frame.x(s.x[point]), y: frame.y(s.y[point]), size: 6.5,
                           color: color(ofSeries: index), clipID: clipID)
            }
        }
        frame.drawDecorations(into: &svg)
    }
}
