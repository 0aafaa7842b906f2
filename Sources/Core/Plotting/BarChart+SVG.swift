/// SVG rendering of grouped bar charts.
extension BarChart {
    /// A standalone SVG 1.1 document `width × height` pixels.
    ///
    /// ```swift
    /// let text = chart.svg()
    /// ```
    public func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        render(into: &canvas, bounds: PlotRect(x: 0, y: 0, width: width, height: height), id: "p0", legend: legend)
        return canvas.document()
    }

    func render(into svg: inout SVGCanvas, bounds: PlotRect, id: String, legend position: LegendPosition) {
        let frame = CartesianFrame(in: bounds, title: title, x: .categories(categories, label: xLabel), yAxis: yAxis,
                                   yData: yExtent, legend: resolvedLegendEntries, legendPosition: position)
        frame.drawGrid(into: &svg)
        let clipID = "\(id)-clip"
        svg.clipRect(id: clipID, frame.plot)
        let group = frame.slotWidth * 0.8
        let barWidth = group / Double(max(series.count, 1))
        let zero = frame.y(min(max(0, frame.yTicks.lower), frame.yTicks.upper))
        for (c, _) in categories.enumerated() {
            let start = frame.categoryCenter(c) - group / 2
            for (s, bars) in series.enumerated() {
                let value = bars.values[c]
                guard value.isFinite else { continue }
                let top = frame.y(value)
                let rect = PlotRect(x: start + Double(s) * barWidth, y: min(top, zero), width: barWidth * 0.92,
                                    height: abs(zero - top))
                svg.rect(rect, fill: color(ofSeries: s))
                if showsValues {
                    let text = PlotFormat.compact(value)
                    let font = 9.0
                    if TextMetrics.width(text, size: font) <= barWidth + 2 {
                        let y = value >= 0 ? rect.y - 3 : rect.maxY + font
                        svg.text(text, x: rect.midX, y: y, size: font, anchor: .middle)
                    }
                }
            }
        }
        frame.drawDecorations(into: &svg)
    }
}
