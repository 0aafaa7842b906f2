import Foundation
import Testing
@testable import Plotting
@testable import Statistics
@testable import Analysis

@Suite("Line charts")
struct LineChartTests {
    /// Seven rankings top-to-bottom (solid) and bottom-to-top (dotted): 14 series × 150 points.
    static func accuracyChart(title: String = "Linear") -> LineChart {
        var series: [LineChart.Series] = []
        for index in 0..<7 {
            let rate = 4 + Double(index) * 3
            series.append(.init("ranking \(index)", y: plottingCurve(rate: rate), color: Palette.color(index)))
            series.append(.init("ranking \(index) ↑", y: plottingCurve(rate: rate * 8), color: Palette.color(index), dash: .dotted))
        }
        return LineChart(title: title, x: Axis("k"), y: Axis("accuracy"), series: series)
    }

    @Test("SVG is a well-formed SVG 1.1 document with one polyline per series")
    func wellFormed() {
        let summary = parseSVG(Self.accuracyChart().svg())
        #expect(summary.isWellFormed, "\(summary.error ?? "")")
        #expect(summary.rootAttributes["version"] == "1.1")
        #expect(summary.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(summary.rootAttributes["width"] == "640" && summary.rootAttributes["height"] == "400")
        #expect(summary.rootAttributes["viewBox"] == "0 0 640 400")
        #expect(summary.count("polyline") == 14)
        #expect(summary.count("path") == 0)
        #expect(summary.textFonts.allSatisfy { $0 == "sans-serif" })
        for index in 0..<7 {
            #expect(summary.texts.contains("ranking \(index)"))
            #expect(summary.texts.contains("ranking \(index) ↑"))
        }
        #expect(summary.texts.contains("accuracy") && summary.texts.contains("k") && summary.texts.contains("Linear"))
    }

    @Test("labels are XML-escaped and read back unchanged")
    func escaping() {
        let chart = LineChart(title: "a < b & c", x: Axis("\"quoted\" 'x'"), y: Axis("y > 0"),
                              series: [.init("a < b & c", y: [1, 2, 3])])
        let svg = chart.svg()
        #expect(svg.contains("a &lt; b &amp; c"))
        #expect(!svg.contains("a < b & c"))
        let summary = parseSVG(svg)
        #expect(summary.isWellFormed, "\(summary.error ?? "")")
        #expect(summary.texts.filter { $0 == "a < b & c" }.count == 2)     // title and legend
        #expect(summary.texts.contains("\"quoted\" 'x'") && summary.texts.contains("y > 0"))
    }

    @Test("dash styles become dash arrays; bands become paths; markers are drawn")
    func styles() {
        let chart = LineChart(series: [
            .init("solid", y: [1, 2, 3]),
            .init("dotted", y: [1, 2, 3], dash: .dotted),
            .init("dashed", y: [3, 2, 1], dash: .dashed, marker: .circle),
            .init("band", y: [2, 2, 2], band: .init(center: [2, 2, 2], spread: [0.5, 0.5, 0.5])),
        ])
        let svg = chart.svg()
        let polylines = svg.split(separator: "\n").filter { $0.hasPrefix("<polyline") }
        #expect(polylines.count == 4)
        #expect(!polylines[0].contains("stroke-dasharray"))
        #expect(polylines[1].contains("stroke-dasharray") && polylines[2].contains("stroke-dasharray"))
        let summary = parseSVG(svg)
        #expect(summary.count("path") == 1)
        #expect(summary.count("circle") == 3 + 1)     // three points and the legend sample
    }

    @Test("ticks are nice: a 0…1 axis is labelled 0.0, 0.2, …, 1.0")
    func tickLabels() {
        let chart = LineChart(y: Axis("accuracy", range: 0...1), legend: .hidden,
                              series: [.init("", y: plottingCurve())])
        let texts = parseSVG(chart.svg()).texts
        for label in ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "0", "50", "100", "150"] {
            #expect(texts.contains(label), "missing tick label \(label)")
        }
    }

    @Test("the legend sits outside the plot area, right or below")
    func legendOutside() throws {
        for position in [LegendPosition.right, .bottom] {
            var chart = Self.accuracyChart()
            chart.legend = position
            let frame = CartesianFrame(in: PlotRect(x: 0, y: 0, width: chart.width, height: chart.height),
                                       title: chart.title, x: .numeric(chart.xAxis, chart.xExtent), yAxis: chart.yAxis,
                                       yData: chart.yExtent, legend: chart.resolvedLegendEntries, legendPosition: position)
            let svg = chart.svg()
            // Every legend text starts right of the plot area (right) or below it (bottom).
            for line in svg.split(separator: "\n") where line.contains(">ranking ") {
                let x = try #require(Double(attribute("x", in: line)))
                let y = try #require(Double(attribute("y", in: line)))
                if position == .right { #expect(x > frame.plot.maxX) } else { #expect(y > frame.plot.maxY + 20) }
                #expect(x >= 0 && x < chart.width && y > 0 && y < chart.height)
            }
        }
    }

    @Test("terminal output has exactly the asked lines and width", arguments: [(80, 24), (40, 10), (120, 40), (20, 6)])
    func terminalSize(width: Int, height: Int) {
        let chart = Self.accuracyChart()
        for color in [false, true] {
            let lines = terminalLines(strippingANSI(chart.terminal(width: width, height: height, color: color)))
            #expect(lines.count == height)
            #expect(lines.allSatisfy { $0.count == width }, "\(lines.map(\.count))")
        }
    }

    @Test("an increasing series climbs from bottom left to top right in the terminal")
    func monotoneGoesUp() {
        let chart = LineChart(legend: .hidden, series: [.init("", x: (0...100).map(Double.init), y: (0...100).map { Double($0 * $0) })])
        let lines = terminalLines(chart.terminal(width: 60, height: 20))
        let grid = lines.map(Array.init)
        // The topmost row holding a Braille dot, per column that has any.
        var tops: [Int] = []
        for column in 0..<60 {
            if let row = grid.indices.first(where: { ("\u{2801}"..."\u{28FF}").contains(grid[$0][column]) }) {
                tops.append(row)
            }
        }
        #expect(tops.count > 40)
        #expect(zip(tops, tops.dropFirst()).allSatisfy { $0 >= $1 }, "\(tops)")
        #expect(tops.first! > tops.last!)
        #expect(tops.last! <= 1)
    }

    @Test("terminal has tick labels, axis labels and a legend line with one symbol per style")
    func terminalDecorations() {
        let chart = LineChart(title: "T", x: Axis("k"), y: Axis("acc", range: 0...1), series: [
            .init("solid", y: plottingCurve()), .init("dotted", y: plottingCurve(rate: 40), dash: .dotted),
            .init("dashed", y: plottingCurve(rate: 80), dash: .dashed),
        ])
        let text = chart.terminal(width: 80, height: 20)
        let lines = terminalLines(text)
        #expect(lines[0].hasPrefix("acc") && lines[0].contains("T"))
        #expect(lines.contains { $0.hasPrefix("1.0┤") } && lines.contains { $0.hasPrefix("0.0┤") })
        #expect(lines.contains { $0.contains("150") })
        #expect(lines.last!.contains("── solid") && lines.last!.contains("┈┈ dotted") && lines.last!.contains("╌╌ dashed"))
        #expect(!text.contains("\u{1B}"))
        let colored = chart.terminal(width: 80, height: 20, color: true)
        #expect(colored.contains("\u{1B}[38;5;\(Palette.color(0).ansi256)m"))
        #expect(strippingANSI(colored) == text)
    }

    @Test("14 series × 150 points render in well under 0.1 s")
    func timing() {
        let chart = Self.accuracyChart()
        let start = Date()
        let svg = chart.svg()
        let svgSeconds = Date().timeIntervalSince(start)
        let middle = Date()
        let text = chart.terminal(width: 120, height: 40)
        let terminalSeconds = Date().timeIntervalSince(middle)
        #expect(svg.count > 10_000 && !text.isEmpty)
        #expect(svgSeconds < 0.1, "SVG took \(svgSeconds) s")
        #expect(terminalSeconds < 0.1, "terminal took \(terminalSeconds) s")
    }

    @Test("write(to:) writes the SVG atomically and reports unwritable paths")
    func writing() throws {
        let chart = Self.accuracyChart()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("chart.svg")
        try chart.write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == chart.svg())
        let missing = folder.appendingPathComponent("no/such/folder/chart.svg")
        #expect(throws: PlottingError.self) { try chart.write(to: missing) }
    }

    @Test("a series from curve statistics has a ± standard deviation band")
    func statisticsSeries() {
        let curves: [[Double]] = [[1, 2], [3, 6]]
        let series = LineChart.Series("mean", statistics: CurveStatistics(curves))
        #expect(series.x == [1, 2] && series.y == [2, 4])
        #expect(series.band == LineChart.Band(lower: [1, 2], upper: [3, 6]))
    }

    /// The value of attribute `name` in one element's text.
    private func attribute(_ name: String, in element: Substring) -> String {
        guard let range = element.range(of: " \(name)=\"") else { return "" }
        return String(element[range.upperBound...].prefix { $0 != "\"" })
    }
}
