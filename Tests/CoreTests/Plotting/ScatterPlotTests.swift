import Testing
@testable import Support
@testable import Plotting

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
        for name in ["Standard", "G>L", "L>G", "config <0>"] { #expect(summary.texts.contains(name)) }
        #expect(plot.svg().contains("G&gt;L"))
        #expect(plot.svg().contains("config &lt;0&gt;"))
    }

    @Test("labels never cover one another: in a crowded plot those that cannot be placed are left out")
    func labelsDoNotCollide() {
        var rng = SplitMix64(seed: 9)
        let crowded = (0..<48).map { index in
            ScatterPlot.Point(x: rng.nextUnitDouble() * 10, y: rng.nextUnitDouble() * 10, category: index % 3,
                              label: "Spanish Gender and Noun Class L\(index)")
        }
        let plot = ScatterPlot(points: crowded, categories: ["a", "b", "c"])
        let drawn = plot.drawnLabels()
        #expect(drawn.count >= 5 && drawn.count < 48, "\(drawn.count) labels drawn")
        for i in drawn.indices {
            for j in drawn.indices where j > i {
                let a = drawn[i].box, b = drawn[j].box
                let disjoint = a.maxX <= b.x || b.maxX <= a.x || a.maxY <= b.y || b.maxY <= a.y
                #expect(disjoint, "'\(drawn[i].label)' covers '\(drawn[j].label)'")
            }
        }
        let texts = parseSVG(plot.svg()).texts
        #expect(drawn.allSatisfy { texts.contains($0.label) })
        // A sparse plot keeps every label.
        let sparse = ScatterPlot(points: (0..<4).map { .init(x: Double($0) * 10, y: Double($0 % 2) * 10, label: "config \($0)") })
        #expect(sparse.drawnLabels().count == 4)
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
