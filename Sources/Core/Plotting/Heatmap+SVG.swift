/// SVG rendering of heatmaps: square cells, labels outside, a colour bar on the right.
extension Heatmap {
    /// A standalone SVG 1.1 document `width × height` pixels.
    ///
    /// ```swift
    /// let text = overlap.svg()
    /// ```
    public func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        render(into: &canvas, bounds: PlotRect(x: 0, y: 0, width: width, height: height), id: "p0")
        return canvas.document()
    }

    func render(into svg: inout SVGCanvas, bounds: PlotRect, id: String) {
        let tickFont = CartesianFrame.tickFont, labelFont = CartesianFrame.labelFont, titleFont = CartesianFrame.titleFont
        let rows = values.count, columns = columnLabels.count
        let range = resolvedRange
        let barTicks = NiceTicks(within: range, maxIntervals: 5)
        let barLabelWidth = TextMetrics.maxWidth(barTicks.labels, size: tickFont)

        let top = 10 + (title.isEmpty ? 4 : titleFont + 12)
        let left = 8 + (yLabel.isEmpty ? 0 : labelFont + 10) + TextMetrics.maxWidth(rowLabels, size: tickFont) + 8
        let right = 18 + 14 + 6 + barLabelWidth + (colorBarLabel.isEmpty ? 0 : labelFont + 12) + 10
        let columnWidest = TextMetrics.maxWidth(columnLabels, size: tickFont)
        let xLabelHeight = xLabel.isEmpty ? 0 : labelFont + 8

        func cellSize(extraBottom: Double) -> Double {
            let bottom = 6 + tickFont + extraBottom + xLabelHeight + 10
            let w = (bounds.width - left - right) / Double(max(columns, 1))
            let h = (bounds.height - top - bottom) / Double(max(rows, 1))
            return max(min(w, h), 4)
        }
        var size = cellSize(extraBottom: 0)
        let rotates = columnWidest + 6 > size
        if rotates { size = cellSize(extraBottom: columnWidest * 0.71) }
        let gridWidth = size * Double(columns), gridHeight = size * Double(rows)
        // Centre the block (labels, cells, colour bar) horizontally in the free space.
        let slack = max(bounds.width - left - right - gridWidth, 0)
        let grid = PlotRect(x: bounds.x + left + slack / 2, y: bounds.y + top, width: gridWidth, height: gridHeight)

        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let cell = PlotRect(x: grid.x + Double(c) * size, y: grid.y + Double(r) * size, width: size, height: size)
                let fill = value.isFinite ? colorScale.color(at: normalized(value)) : .missing
                svg.rect(cell, fill: fill, stroke: .white, strokeWidth: 1)
                if let text = annotation(value) {
                    var font = min(13, size * 0.32)
                    let textWidth = TextMetrics.width(text, size: font)
                    if textWidth > size - 4 { font *= (size - 4) / textWidth }
                    if font >= 6 {
                        svg.text(text, x: cell.midX, y: SVGCanvas.baseline(centeredOn: cell.midY, size: font), size: font,
                                 anchor: .middle, fill: fill.contrastingText)
                    }
                }
            }
        }
        for (r, label) in rowLabels.enumerated() {
            let middle = grid.y + (Double(r) + 0.5) * size
            svg.text(label, x: grid.x - 6, y: SVGCanvas.baseline(centeredOn: middle, size: tickFont), size: tickFont, anchor: .end)
        }
        let labelTop = grid.maxY + 6
        for (c, label) in columnLabels.enumerated() {
            let center = grid.x + (Double(c) + 0.5) * size
            if rotates {
                svg.text(label, x: center + tickFont * 0.3, y: labelTop + tickFont * 0.6, size: tickFont, anchor: .end, rotation: -45)
            } else {
                svg.text(label, x: center, y: labelTop + tickFont * 0.8, size: tickFont, anchor: .middle)
            }
        }
        let below = labelTop + tickFont + (rotates ? columnWidest * 0.71 : 0)
        if !xLabel.isEmpty {
            svg.text(xLabel, x: grid.midX, y: below + 6 + labelFont * 0.85, size: labelFont, anchor: .middle)
        }
        if !yLabel.isEmpty {
            let rowLabelsLeft = grid.x - 6 - TextMetrics.maxWidth(rowLabels, size: tickFont)
            svg.text(yLabel, x: rowLabelsLeft - 10, y: grid.midY, size: labelFont, anchor: .middle, rotation: -90)
        }
        if !title.isEmpty {
            svg.text(title, x: TextMetrics.width(title, size: titleFont) <= grid.width ? grid.midX : bounds.midX,
                     y: bounds.y + 10 + titleFont * 0.85, size: titleFont, anchor: .middle, bold: true)
        }
        // Colour bar: a gradient with ticks of the value range.
        let bar = PlotRect(x: grid.maxX + 18, y: grid.y, width: 14, height: grid.height)
        let gradientID = "\(id)-colorbar"
        svg.verticalGradient(id: gradientID, scale: colorScale)
        svg.rect(bar, fill: nil, stroke: .ink, strokeWidth: 0.5, fillURL: gradientID)
        let span = range.upperBound - range.lowerBound
        for (value, label) in zip(barTicks.values, barTicks.labels) {
            let y = span > 0 ? bar.maxY - (value - range.lowerBound) / span * bar.height : bar.midY
            svg.line(x1: bar.maxX, y1: y, x2: bar.maxX + 4, y2: y, stroke: .ink, crisp: true)
            svg.text(label, x: bar.maxX + 6, y: SVGCanvas.baseline(centeredOn: y, size: tickFont), size: tickFont)
        }
        if !colorBarLabel.isEmpty {
            svg.text(colorBarLabel, x: bar.maxX + 6 + barLabelWidth + 6 + labelFont * 0.85, y: bar.midY, size: labelFont,
                     anchor: .middle, rotation: -90)
        }
    }
}
