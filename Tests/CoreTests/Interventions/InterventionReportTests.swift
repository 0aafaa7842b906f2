import Foundation
import Testing
@testable import Analysis

@Suite("Intervention report")
struct InterventionReportTests {
    /// A sweep with every ranking the study draws: linear, gaussian, probeless (each both ways) and random.
    static func result() -> InterventionResult {
        let ks = [0, 10, 20, 30]
        let rankings = ["linear", "linear↑", "gaussian", "gaussian↑", "probeless", "probeless↑", "random"]
        let curves = rankings.enumerated().map { index, ranking in
            InterventionCurve(ranking: ranking, neuronCounts: ks, errorRate: ks.map { Double($0) / 40 + Double(index) / 100 },
                              clwv: ks.map { Double($0) / 80 }, wrong: ks, unanalysed: ks.map { _ in 0 }, saturation: nil)
        }
        let settings = InterventionStudy.Settings(model: "minilm", languages: ["English"], attributes: ["Number"], layers: [2])
        let provenance = InterventionProvenance(tool: "test", created: "", seconds: 0, modelPath: "", modelHash: "", activationCache: "",
                                                readoutHead: nil, treebanks: [], split: "test", settings: settings)
        return InterventionResult(model: "minilm", language: "English", attribute: "Number", layer: 2, edit: .translate(beta: 8),
                                  split: "test", head: ReadoutHead.label, headHeldOutAccuracy: 0.9, analyser: "lexicon",
                                  labels: ["SG", "PL"], sentences: 10, words: 20, curves: curves, distinctWrongPredictions: 0,
                                  unanalysedPredictions: 0, betaSelection: nil, sentencesPerSecond: 1, provenance: provenance)
    }

    @Test("Fig. 4 style: error and CLWV in two panels, one colour per ranking, line style for the direction")
    func figure() {
        let figure = InterventionReport.figure(Self.result())
        #expect(figure.panels.count == 2)
        guard case .line(let error) = figure.panels[0], case .line(let clwv) = figure.panels[1] else {
            Issue.record("expected two line charts"); return
        }
        #expect(error.title == "error rate" && clwv.title == "CLWV")
        #expect(error.series.count == 7 && clwv.series.count == 7)
        // Colour by method, dash by direction.
        let linear = error.series.first { $0.name == "linear" }!, linearUp = error.series.first { $0.name == "linear↑" }!
        #expect(linear.color == linearUp.color && linear.dash == .solid && linearUp.dash == .dotted)
        #expect(error.series.first { $0.name == "random" }!.dash == .dashed)
        #expect(Set(error.series.compactMap(\.color)).count == 4)
        // Four methods and three line styles, instead of 14 entries in one panel.
        #expect(figure.resolvedLegendEntries.map(\.name) == ["linear", "gaussian", "probeless", "random",
                                                           "top-to-bottom", "bottom-to-top", "random order"])
        #expect(figure.title.contains(ReadoutHead.label))
        #expect(parseSVG(figure.svg()).isWellFormed)
    }
}
