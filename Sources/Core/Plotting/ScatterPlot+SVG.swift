/// SVG rendering of scatter plots.
extension ScatterPlot {
    /// A standalone SVG 1.1 document `width × height` pixels.
    ///
    /// ```swift
    /// let text = plot.svg()
    /// ```
    public func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        render(into: &canvas, bounds: PlotRect(x: 0, y: 0, width: width, height: height), id: "p0", legend: legend)
        return canvas.document()
    }

    func render(into svg: inout SVGCanvas, bounds: PlotRect, id: String, legend position: LegendPosition) {
        let frame = self.frame(in: bounds, legend: position)
        frame.drawGrid(into: &svg)
        let clipID = "\(id)-clip"
        svg.clipRect(id: clipID, frame.plot.expanded(by: markerSize))
        for point in points where point.x.isFinite && point.y.isFinite {
            svg.marker(marker(ofCategory: point.category), x: frame.x(point.x), y: frame.y(point.y), size: markerSize,
                       color: color(ofCategory: point.category), clipID: clipID)
        }
        drawLabels(into: &svg, frame: frame)
        frame.drawDecorations(into: &svg)
    }

    func frame(in bounds: PlotRect, legend position: LegendPosition) -> CartesianFrame {
        CartesianFrame(in: bounds, title: title, x: .numeric(drawnXAxis, xExtent), yAxis: drawnYAxis, yData: yExtent,
                       legend: resolvedLegendEntries, legendPosition: position)
    }

    /// The labels `svg()` draws, with their boxes.
    func drawnLabels() -> [(label: String, box: PlotRect, size: Double)] {
        labelPlacements(frame: frame(in: PlotRect(x: 0, y: 0, width: width, height: height), legend: legend))
    }

    /// Point labels, drawn after all markers. Each label takes whichever of eight places around
    /// its point overlaps least with the markers, the labels placed so far and the plot edges; a
    /// label that would cover one already drawn is left out (dense plots keep the legible ones).
    private func drawLabels(into svg: inout SVGCanvas, frame: CartesianFrame) {
        for (label, box, size) in labelPlacements(frame: frame) {
            svg.text(label, x: box.x, y: box.y + size * 0.8, size: size, fill: .ink)
        }
    }

    /// The labels drawn and their boxes, in drawing order (see `drawLabels`).
    func labelPlacements(frame: CartesianFrame) -> [(label: String, box: PlotRect, size: Double)] {
        let font = 9.5
        let located = points.filter { $0.x.isFinite && $0.y.isFinite }.map { (frame.x($0.x), frame.y($0.y), $0.label) }
        let half = markerSize / 2
        var obstacles = located.map { PlotRect(x: $0.0 - half, y: $0.1 - half, width: markerSize, height: markerSize) }
        var placed: [(label: String, box: PlotRect, size: Double)] = []
        func overlap(_ a: PlotRect, _ b: PlotRect) -> Double {
            max(0, min(a.maxX, b.maxX) - max(a.x, b.x)) * max(0, min(a.maxY, b.maxY) - max(a.y, b.y))
        }
        let offset = half + 2
        for (px, py, label) in located {
            guard let label, !label.isEmpty else { continue }
            let width = TextMetrics.width(label, size: font), height = font * 1.05
            // (box left, box top) candidates: right, left, above, below and the four diagonals.
            let candidates: [(Double, Double)] = [
                (px + offset, py - height / 2), (px - offset - width, py - height / 2),
                (px + offset * 0.7, py - offset * 0.7 - height), (px + offset * 0.7, py + offset * 0.7),
                (px - offset * 0.7 - width, py - offset * 0.7 - height), (px - offset * 0.7 - width, py + offset * 0.7),
                (px - width / 2, py - offset - height), (px - width / 2, py + offset),
            ]
            var best = PlotRect(x: candidates[0].0, y: candidates[0].1, width: width, height: height)
            var bestCost = Double.infinity
            for (left, top) in candidates {
                let box = PlotRect(x: left, y: top, width: width, height: height)
                var cost = obstacles.reduce(0) { $0 + overlap($1, box) }
                cost += (width * height - overlap(box, frame.plot)) * 4       // outside the plot area
                if cost < bestCost - 1e-9 { best = box; bestCost = cost }
            }
            if placed.contains(where: { overlap($0.box, best) > 0 }) { continue }
            obstacles.append(best)
            placed.append((label, best, font))
        }
        return placed
    }
}
