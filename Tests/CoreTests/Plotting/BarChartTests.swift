import Testing
@testable import Plotting

@Suite("Bar charts")
struct BarChartTests {
    static let layers = BarChart(
        categories: (0..<7).map { "\($0)" },
        series: [.init("POS", values: [12, 30, 45, 38, 25, 20, 10]), .init("SEM", values: [5, 18, 30, 44, 40, 33, 22])],
        title: "Top neurons per layer", xLabel: "layer", y: Axis("neurons"))

    @Test("SVG parses, one rect per bar, y axis from zero, legend swatches")
    func svg() {
        let summary = parseSVG(Self.layers.svg())
        #expect(summary.isWellFormed, "\(summary.error ?? "")")
        #expect(summary.count("rect") == 1 + 1 + 14 + 2)     // background, clip rectangle, bars, legend swatches
        #expect(summary.texts.contains("POS") && summary.texts.contains("SEM"))
        #expect(summary.texts.contains("0") && summary.texts.contains("50"))
        for layer in 0..<7 { #expect(summary.texts.contains("\(layer)")) }
    }

    @Test("long category labels are rotated rather than overlapping")
    func rotation() {
        let labels = (0..<30).map { "label number \($0)" }
        let chart = BarChart(categories: labels, series: [.init("", values: labels.indices.map(Double.init))])
        let svg = chart.svg()
        #expect(parseSVG(svg).isWellFormed)
        #expect(svg.split(separator: "\n").filter { $0.contains(">label number") && $0.contains("rotate(-45") }.count == 30)
    }

    @Test("terminal: horizontal bars as long as the values, exact size")
    func terminal() {
        let lines = terminalLines(Self.layers.terminal(width: 60, height: 24))
        #expect(lines.count == 24 && lines.allSatisfy { $0.count == 60 })
        // Layer 2 POS (45, the largest) has the longest bar; SEM uses the second fill in plain text.
        func barLength(_ line: String) -> Int { line.filter { "█▓▏▎▍▌▋▊▉".contains($0) }.count }
        let posRows = lines.filter { $0.hasPrefix("0│") || $0.hasPrefix("1│") || $0.hasPrefix("2│") }
        #expect(posRows.count == 3)
        #expect(barLength(posRows[0]) < barLength(posRows[1]) && barLength(posRows[1]) < barLength(posRows[2]))
        #expect(posRows[2].hasSuffix(" 45") || posRows[2].contains(" 45 "))
        #expect(lines.contains { $0.contains("▓") })
        #expect(lines.last!.contains("██ POS") && lines.last!.contains("▓▓ SEM"))
        let colored = Self.layers.terminal(width: 60, height: 24, color: true)
        #expect(terminalLines(strippingANSI(colored)).allSatisfy { $0.count == 60 })
        #expect(!strippingANSI(colored).contains("▓"))
    }

    @Test("too many bars for the height end in a count of the rest")
    func overflow() {
        let chart = BarChart(categories: (0..<40).map { "c\($0)" }, series: [.init("", values: (0..<40).map(Double.init))])
        let lines = terminalLines(chart.terminal(width: 40, height: 10))
        #expect(lines.count == 10)
        #expect(lines.contains { $0.hasPrefix("… ") && $0.contains("more") })
    }
}
