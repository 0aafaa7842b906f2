import Testing
@testable import Plotting

@Suite("Figure grids")
struct FigureGridTests {
    @Test("two panels side by side share one legend; element ids stay unique")
    func svg() {
        let grid = FigureGrid([LineChartTests.accuracyChart(title: "Linear"), LineChartTests.accuracyChart(title: "Gaussian")],
                              title: "accuracy < & >")
        let svg = grid.svg()
        let summary = parseSVG(svg)
        #expect(summary.isWellFormed, "\(summary.error ?? "")")
        #expect(summary.count("polyline") == 28)
        #expect(summary.rootAttributes["width"] == "880")
        #expect(summary.texts.filter { $0 == "ranking 0" }.count == 1)      // one shared legend
        #expect(summary.texts.contains("Linear") && summary.texts.contains("Gaussian"))
        #expect(summary.texts.contains("accuracy < & >"))
        #expect(svg.contains("id=\"p0-clip\"") && svg.contains("id=\"p1-clip\""))
    }

    @Test("explicit legend entries replace the merged ones")
    func customLegend() {
        let entries: [LegendEntry] = [.line("top-to-bottom", color: .grey), .line("bottom-to-top", color: .grey, dash: .dotted)]
        let grid = FigureGrid([LineChartTests.accuracyChart()], legend: .right, legendEntries: entries)
        let texts = parseSVG(grid.svg()).texts
        #expect(texts.contains("top-to-bottom") && texts.contains("bottom-to-top") && !texts.contains("ranking 0"))
    }

    @Test("mixed panels render; terminal output has the exact size", arguments: [(120, 30), (80, 20)])
    func mixed(width: Int, height: Int) {
        let grid = FigureGrid([.heatmap(HeatmapTests.overlap), .scatter(ScatterPlotTests.tsne()), .bars(BarChartTests.layers),
                               .line(LineChartTests.accuracyChart())], columns: 2, title: "mixed")
        #expect(grid.rows == 2)
        #expect(parseSVG(grid.svg()).isWellFormed)
        for color in [false, true] {
            let lines = terminalLines(strippingANSI(grid.terminal(width: width, height: height, color: color)))
            #expect(lines.count == height && lines.allSatisfy { $0.count == width })
        }
    }
}
