import Testing
@testable import Plotting

@Suite("Plot colours")
struct PlotColorTests {
    @Test("hex round trip and rejection of bad text")
    func hex() {
        #expect(PlotColor(hex: "#E69F00")?.hex == "#e69f00")
        #expect(PlotColor(hex: "56b4e9") == PlotColor(red: 0x56, green: 0xB4, blue: 0xE9))
        #expect(PlotColor(hex: "#12345") == nil && PlotColor(hex: "zzzzzz") == nil)
    }

    @Test("xterm-256 indices: cube corners and greys")
    func ansi() {
        #expect(PlotColor.black.ansi256 == 16)
        #expect(PlotColor.white.ansi256 == 231)
        #expect(PlotColor(red: 255, green: 0, blue: 0).ansi256 == 196)
        #expect(PlotColor(red: 128, green: 128, blue: 128).ansi256 == 244)
    }

    @Test("the palette is Okabe–Ito, eight distinct colours, cycling")
    func palette() {
        #expect(Set(Palette.okabeIto).count == 8)
        #expect(Palette.color(0) == Palette.color(8))
        #expect(Palette.okabeIto.contains(PlotColor(hex: "#009E73")!))
    }

    @Test("sequential scales interpolate between their stops and clamp")
    func scale() {
        let scale = ColorScale(stops: [.black, .white])
        #expect(scale.color(at: 0.5) == PlotColor(red: 128, green: 128, blue: 128))
        #expect(scale.color(at: -1) == .black && scale.color(at: 2) == .white)
        #expect(scale.color(for: 75, in: 50...100) == scale.color(at: 0.5))
        #expect(ColorScale.viridis.color(at: 0).hex == "#440154" && ColorScale.viridis.color(at: 1).hex == "#fde725")
        // Viridis gets lighter along the scale.
        let luminances = (0...10).map { ColorScale.viridis.color(at: Double($0) / 10).luminance }
        #expect(luminances == luminances.sorted())
    }
}
