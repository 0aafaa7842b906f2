/// The layout and decoration of an x–y plot in SVG: margins sized from the real tick labels,
/// nice ticks that do not collide, grid, axes, titles and an outside legend.
///
/// ```swift
/// let frame = CartesianFrame(in: bounds, title: "Linear", x: .numeric(Axis("k"), 1...150),
///                            yAxis: Axis("accuracy"), yData: 0.3...0.9, legend: legend)
/// frame.drawGrid(into: &svg)
/// // … data in frame.x(_:), frame.y(_:) …
/// frame.drawDecorations(into: &svg)
/// ```
struct CartesianFrame {
    /// A numeric axis with its data extent, or categories at evenly spaced slots.
    enum XScale {
        case numeric(Axis, ClosedRange<Double>?)
        case categories([String], label: String)
    }

    static let tickFont = 11.0
    static let labelFont = 12.0
    static let titleFont = 14.0
    static let tickLength = 5.0

    let bounds: PlotRect
    let plot: PlotRect
    let title: String
    let xLabel: String
    let yLabel: String
    let xTicks: NiceTicks?
    let categories: [String]
    let rotatesCategories: Bool
    let yTicks: NiceTicks
    let legend: SVGLegend

    init(in bounds: PlotRect, title: String, x: XScale, yAxis: Axis, yData: ClosedRange<Double>?,
         legend entries: [LegendEntry], legendPosition: LegendPosition) {
        self.bounds = bounds
        self.title = title
        yLabel = yAxis.label
        let top = 10 + (title.isEmpty ? 4 : Self.titleFont + 10)
        let legendWidthLimit = legendPosition == .right ? bounds.width * 0.36 : bounds.width - 24
        legend = SVGLegend(entries: entries, position: legendPosition, maxWidth: legendWidthLimit,
                           maxHeight: bounds.height - top - 10)

        var xAxis = Axis()
        var xData: ClosedRange<Double>? = nil
        var categories: [String] = []
        switch x {
        case .numeric(let axis, let data): xAxis = axis; xData = data
        case .categories(let labels, let label): categories = labels; xAxis = Axis(label)
        }
        xLabel = xAxis.label
        self.categories = categories

        let right = 14 + (legend.position == .right && !legend.isEmpty ? legend.width + 18 : 0)
        let legendBelow = legend.position == .bottom && !legend.isEmpty ? legend.height + 8 : 0
        let xLabelHeight = xLabel.isEmpty ? 0 : Self.labelFont + 8
        let leftFixed = 8 + (yLabel.isEmpty ? 0 : Self.labelFont + 10) + Self.tickLength + 4

        func yTicksFor(plotHeight: Double) -> NiceTicks {
            yAxis.ticks(data: yData, maxIntervals: min(max(Int(plotHeight / 42), 2), 8))
        }

        // Pass 1 with horizontal tick labels; categories may then ask for rotated labels.
        var extraBottom = 0.0
        var rotates = false
        var plot = PlotRect(x: 0, y: 0, width: 0, height: 0)
        var yTicks = NiceTicks(covering: 0...1)
        var xTicks: NiceTicks? = nil
        for _ in 0..<2 {
            let bottom = Self.tickLength + 5 + Self.tickFont + extraBottom + xLabelHeight + 8 + legendBelow
            let plotHeight = max(bounds.height - top - bottom, 20)
            yTicks = yTicksFor(plotHeight: plotHeight)
            let left = leftFixed + TextMetrics.maxWidth(yTicks.labels, size: Self.tickFont)
            var plotWidth = max(bounds.width - left - right, 20)
            if categories.isEmpty {
                // Fewer intervals until the widest label fits between neighbouring ticks.
                var maxIntervals = min(max(Int(plotWidth / 55), 2), 10)
                var ticks = xAxis.ticks(data: xData, maxIntervals: maxIntervals)
                while maxIntervals > 1 {
                    let widest = TextMetrics.maxWidth(ticks.labels, size: Self.tickFont)
                    let spacing = plotWidth * ticks.step / max(ticks.upper - ticks.lower, ticks.step)
                    if spacing >= widest + 10 { break }
                    maxIntervals -= 1
                    ticks = xAxis.ticks(data: xData, maxIntervals: maxIntervals)
                }
                // Room for half of the last label beyond the plot's right edge.
                let overhang = TextMetrics.width(ticks.labels.last ?? "", size: Self.tickFont) / 2 + 4
                if right < overhang { plotWidth = max(bounds.width - left - overhang, 20) }
                xTicks = ticks
                plot = PlotRect(x: bounds.x + left, y: bounds.y + top, width: plotWidth, height: plotHeight)
                break
            }
            plot = PlotRect(x: bounds.x + left, y: bounds.y + top, width: plotWidth, height: plotHeight)
            let slot = plotWidth / Double(max(categories.count, 1))
            let widest = TextMetrics.maxWidth(categories, size: Self.tickFont)
            if rotates || widest + 6 <= slot { break }
            rotates = true
            extraBottom = widest * 0.71
        }
        self.plot = plot
        self.yTicks = yTicks
        self.xTicks = xTicks
        rotatesCategories = rotates
    }

    /// The horizontal position of data value `value`.
    func x(_ value: Double) -> Double {
        guard let ticks = xTicks else { return plot.x }
        let span = ticks.upper - ticks.lower
        return plot.x + (span > 0 ? (value - ticks.lower) / span : 0.5) * plot.width
    }

    /// The vertical position of data value `value`.
    func y(_ value: Double) -> Double {
        let span = yTicks.upper - yTicks.lower
        return plot.maxY - (span > 0 ? (value - yTicks.lower) / span : 0.5) * plot.height
    }

    /// The width of one category slot.
    var slotWidth: Double { plot.width / Double(max(categories.count, 1)) }

    /// The centre of category `index`.
    func categoryCenter(_ index: Int) -> Double { plot.x + (Double(index) + 0.5) * slotWidth }

    /// Light grey grid lines at the ticks (horizontal always, vertical for numeric x).
    func drawGrid(into svg: inout SVGCanvas) {
        for value in yTicks.values {
            let py = y(value)
            svg.line(x1: plot.x, y1: py, x2: plot.maxX, y2: py, stroke: .grid, crisp: true)
        }
        if let xTicks {
            for value in xTicks.values {
                let px = x(value)
                svg.line(x1: px, y1: plot.y, x2: px, y2: plot.maxY, stroke: .grid, crisp: true)
            }
        }
    }

    /// Axes, tick marks and labels, axis titles, the title and the legend.
    func drawDecorations(into svg: inout SVGCanvas) {
        let font = Self.tickFont
        // Axis lines: left and bottom.
        svg.line(x1: plot.x, y1: plot.y, x2: plot.x, y2: plot.maxY, stroke: .ink, crisp: true)
        svg.line(x1: plot.x, y1: plot.maxY, x2: plot.maxX, y2: plot.maxY, stroke: .ink, crisp: true)
        if yTicks.lower < 0 && yTicks.upper > 0 && !categories.isEmpty {
            svg.line(x1: plot.x, y1: y(0), x2: plot.maxX, y2: y(0), stroke: .ink, crisp: true)
        }
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let py = y(value)
            svg.line(x1: plot.x - Self.tickLength, y1: py, x2: plot.x, y2: py, stroke: .ink, crisp: true)
            svg.text(label, x: plot.x - Self.tickLength - 3, y: SVGCanvas.baseline(centeredOn: py, size: font),
                     size: font, anchor: .end)
        }
        let labelTop = plot.maxY + Self.tickLength + 3
        var below = labelTop + font
        if let xTicks {
            for (value, label) in zip(xTicks.values, xTicks.labels) {
                let px = x(value)
                svg.line(x1: px, y1: plot.maxY, x2: px, y2: plot.maxY + Self.tickLength, stroke: .ink, crisp: true)
                svg.text(label, x: px, y: labelTop + font * 0.8, size: font, anchor: .middle)
            }
        } else {
            for (index, label) in categories.enumerated() {
                let px = categoryCenter(index)
                svg.line(x1: px, y1: plot.maxY, x2: px, y2: plot.maxY + Self.tickLength, stroke: .ink, crisp: true)
                if rotatesCategories {
                    svg.text(label, x: px + font * 0.3, y: labelTop + font * 0.6, size: font, anchor: .end, rotation: -45)
                } else {
                    svg.text(label, x: px, y: labelTop + font * 0.8, size: font, anchor: .middle)
                }
            }
            if rotatesCategories { below += TextMetrics.maxWidth(categories, size: font) * 0.71 }
        }
        if !xLabel.isEmpty {
            svg.text(xLabel, x: plot.midX, y: below + 6 + Self.labelFont * 0.85, size: Self.labelFont, anchor: .middle)
            below += 6 + Self.labelFont
        }
        if !yLabel.isEmpty {
            let px = bounds.x + 8 + Self.labelFont * 0.85
            svg.text(yLabel, x: px, y: plot.midY, size: Self.labelFont, anchor: .middle, rotation: -90)
        }
        if !title.isEmpty {
            let titleWidth = TextMetrics.width(title, size: Self.titleFont)
            let center = titleWidth <= plot.width ? plot.midX : bounds.midX
            svg.text(title, x: center, y: bounds.y + 10 + Self.titleFont * 0.85, size: Self.titleFont,
                     anchor: .middle, bold: true)
        }
        if !legend.isEmpty {
            if legend.position == .right {
                legend.draw(into: &svg, x: plot.maxX + 18, y: plot.y)
            } else {
                let centered = plot.midX - legend.width / 2
                legend.draw(into: &svg, x: max(min(centered, bounds.maxX - legend.width - 4), bounds.x + 4), y: below + 8)
            }
        }
    }
}
