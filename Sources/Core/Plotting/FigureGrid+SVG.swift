/// SVG rendering of figure grids.
extension FigureGrid {
    /// A standalone SVG 1.1 document: panels of `panelWidth × panelHeight`, the title above,
    /// the shared legend on the right or below.
    ///
    /// ```swift
    /// let text = figure.svg()
    /// ```
    public func svg() -> String {
        let gridWidth = Double(columns) * panelWidth
        let entries = resolvedLegendEntries
        let legendBlock = SVGLegend(entries: entries, position: legend,
                                    maxWidth: legend == .right ? max(panelWidth * 0.6, 160) : gridWidth - 24,
                                    maxHeight: Double(rows) * panelHeight - 40)
        let titleHeight = title.isEmpty ? 0 : CartesianFrame.titleFont + 16
        let legendRight = legend == .right && !legendBlock.isEmpty ? legendBlock.width + 28 : 0
        let legendBelow = legend == .bottom && !legendBlock.isEmpty ? legendBlock.height + 16 : 0
        let width = gridWidth + legendRight
        let height = titleHeight + Double(rows) * panelHeight + legendBelow
        var canvas = SVGCanvas(width: width, height: height)
        if !title.isEmpty {
            canvas.text(title, x: gridWidth / 2, y: 10 + CartesianFrame.titleFont * 0.9, size: CartesianFrame.titleFont + 1,
                        anchor: .middle, bold: true)
        }
        for (index, panel) in panels.enumerated() {
            let bounds = PlotRect(x: Double(index % columns) * panelWidth,
                                  y: titleHeight + Double(index / columns) * panelHeight,
                                  width: panelWidth, height: panelHeight)
            let id = "p\(index)"
            switch panel {
            case .line(let chart): chart.render(into: &canvas, bounds: bounds, id: id, legend: .hidden)
            case .heatmap(let map): map.render(into: &canvas, bounds: bounds, id: id)
            case .scatter(let plot): plot.render(into: &canvas, bounds: bounds, id: id, legend: .hidden)
            case .bars(let chart): chart.render(into: &canvas, bounds: bounds, id: id, legend: .hidden)
            }
        }
        if legend == .right {
            legendBlock.draw(into: &canvas, x: gridWidth + 8, y: titleHeight + 30)
        } else if legend == .bottom {
            legendBlock.draw(into: &canvas, x: (gridWidth - legendBlock.width) / 2, y: titleHeight + Double(rows) * panelHeight + 4)
        }
        return canvas.document()
    }
}
