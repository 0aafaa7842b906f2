import Testing
@testable import Plotting

@Suite("Heatmaps")
struct HeatmapTests {
    static let names = ["Linear", "Gaussian", "Probeless"]
    static let overlap = Heatmap([[100, 42, 17], [42, 100, 23], [17, 23, 100]], rows: names, columns: names,
                                 title: "overlap", range: 0...100, colorBarLabel: "%")

    @Test("SVG parses, has one cell per value, the annotations and a colour bar")
    func svg() {
        let summary = parseSVG(Self.overlap.svg())
        #expect(summary.isWellFormed, "\(summary.error ?? "")")
        #expect(summary.count("rect") == 1 + 9 + 1)        // background, cells, colour bar
        #expect(summary.count("linearGradient") == 1)
        for value in ["100", "42", "17", "23"] { #expect(summary.texts.contains(value)) }
        for name in Self.names { #expect(summary.texts.filter { $0 == name }.count == 2) }
        for tick in ["0", "20", "40", "60", "80", "100"] { #expect(summary.texts.contains(tick)) }
        #expect(summary.texts.contains("overlap") && summary.texts.contains("%"))
    }

    @Test("cell colours follow the scale; text contrasts with the fill")
    func colours() {
        let svg = Self.overlap.svg()
        #expect(svg.contains("fill=\"\(ColorScale.viridis.color(at: 1).hex)\""))
        #expect(svg.contains("fill=\"\(ColorScale.viridis.color(at: 0.17).hex)\""))
        #expect(ColorScale.viridis.color(at: 1).contrastingText == .black)
        #expect(ColorScale.viridis.color(at: 0).contrastingText == .white)
    }

    @Test("plain terminal shading darkens with the value: ' ', ░, ▒, ▓, █")
    func shadingOrder() {
        let map = Heatmap([[0, 25, 50, 75, 100]], rows: ["r"], columns: ["a", "b", "c", "d", "e"],
                          annotationDecimals: nil)
        #expect([0.0, 25, 50, 75, 100].map(map.shade(of:)) == [" ", "░", "▒", "▓", "█"])
        let line = terminalLines(map.terminal(width: 40, height: 4))[1]
        let shades = line.filter { Heatmap.shades.dropFirst().contains($0) }
        #expect(shades.first == "░" && shades.last == "█")
        let order = Array(shades).map { Heatmap.shades.firstIndex(of: $0)! }
        #expect(order == order.sorted())
    }

    @Test("terminal output has exact size, labels and values", arguments: [(60, 7), (30, 5), (80, 12)])
    func terminalSize(width: Int, height: Int) {
        for color in [false, true] {
            let text = Self.overlap.terminal(width: width, height: height, color: color)
            let lines = terminalLines(strippingANSI(text))
            #expect(lines.count == height)
            #expect(lines.allSatisfy { $0.count == width }, "\(lines.map(\.count))")
        }
        let lines = terminalLines(Self.overlap.terminal(width: 60, height: 7))
        #expect(lines[1].contains("Linear") && lines[1].contains("Gaussian"))
        #expect(lines[2].hasPrefix("Linear") && lines[2].contains("██") && lines[2].contains("100"))
        #expect(lines.last!.contains("[ ░▒▓█]"))
    }

    @Test("rows that do not fit are counted, missing values are grey")
    func overflowAndMissing() {
        let values = (0..<10).map { r in [Double(r), r == 3 ? .nan : Double(r * 2)] }
        let map = Heatmap(values, rows: (0..<10).map { "row \($0)" }, columns: ["a", "b"])
        let lines = terminalLines(map.terminal(width: 30, height: 6))
        #expect(lines.count == 6)
        #expect(lines.contains { $0.contains("more rows") })
        let summary = parseSVG(map.svg())
        #expect(summary.isWellFormed)
        #expect(summary.texts.filter { $0 == "–" }.isEmpty)
        #expect(map.svg().contains("fill=\"#f0f0f0\""))
    }
}
