import Testing
@testable import Core

@Suite("Scatter plots")
struct ScatterPlotTests {
    static func tsne() -> ScatterPlot {
        var rng = SplitMix64(seed: 3)
        let centres = [(-20.0, 5.0), (10.0, 15.0), (5.0, -18.0)]
        let points = (0..<30).map { index -> ScatterPlot.Point in
            let (x, y) = centres[index % 3]
            return .init(x: x + rng.nextUnitDouble() * 8, y: y + rng.nextUnitDouble() * 8, category: index % 3,
                         label: "config <\(index)>")
        }
        return ScatterPlot(points: points, categories: ["Standard", "G>L", "L>G"], title: "t-SNE")
    }

    @Test("SVG parses; one marker per point and per legend entry; labels escaped")
    func svg() {
        let plot = Self.tsne()
        let summary = parseSVG(plot.svg())
        #expect(summary.isWellFormed, "\(summary.error ?? "")")
        // Categories 0, 1, 2 are circle, square, triangle: 10 points each plus one legend sample.
        #expect(summary.count("circle") == 11)
        #expect(summary.count("polygon") == 11)
        #expect(summary.count("rect") == 1 + 1 + 11)     // background, clip rectangle, squares
        for name in ["Standard", "G>L", "L>G", "config <0>", "config <29>"] { #expect(summary.texts.contains(name)) }
        #expect(plot.svg().contains("G&gt;L"))
    }

    @Test("terminal: exact size, one glyph per category, legend")
    func terminal() {
        let plot = Self.tsne()
        let lines = terminalLines(plot.terminal(width: 70, height: 20))
        #expect(lines.count == 20 && lines.allSatisfy { $0.count == 70 })
        let text = lines.joined()
        #expect(text.contains("●") && text.contains("■") && text.contains("▲"))
        #expect(lines.last!.contains("● Standard") && lines.last!.contains("■ G>L"))
    }
}
