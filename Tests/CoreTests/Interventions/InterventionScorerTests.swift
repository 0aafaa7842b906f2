import Foundation
import Testing

@testable import Models
@testable import Analysis

/// An analyser from a table (tests).
struct TableAnalyser: MorphologicalAnalyser {
    var table: [String: [MorphologicalReading]]
    var name: String { "table" }
    func analyse(_ forms: [String]) -> [[MorphologicalReading]] { forms.map { table[$0] ?? [] } }
}

@Suite("Intervention scoring")
struct InterventionScorerTests {
    @Test("error rate, CLWV (correct lemma, wrong or missing value) and unanalysed predictions")
    func scoring() throws {
        let tokenizer = try TokenizerLoader.load(folder: Fixtures.url("models/bert-cased-tiny"))
        func ids(_ word: String) -> [Int] {
            let encoding = tokenizer.encode(words: [word])
            return Array(encoding.ids[encoding.wordSpans[0]])
        }
        #expect(InterventionScorer.decode(ids("walked"), tokenizer: tokenizer) == "walked")
        let analyser = TableAnalyser(table: [
            "walks": [MorphologicalReading(lemma: "walk", values: [.tense: ["PRS"]])],
            "walked": [MorphologicalReading(lemma: "walk", values: [.tense: ["PST"]])],
            "walk": [MorphologicalReading(lemma: "walk", values: [:])],
            "ran": [MorphologicalReading(lemma: "run", values: [.tense: ["PST"]])],
        ])
        // Four relevant words, all "walks" (PRS, label 1 of [PST, PRS]).
        let gold = Array(repeating: (form: "walks", lemma: Optional("walk")), count: 4)
        let original = Array(repeating: ids("walks"), count: 4)
        let words = (0..<4).map { (sentence: $0, word: InterventionWord(position: 0, label: 1)) }
        let predictions = SweepPredictions(
            predicted: [[
                original,                                                      // k = 0: all correct
                [ids("walked"), ids("walk"), ids("ran"), ids("zzzq")],         // k = 10: 4 wrong, 2 CLWV, 1 unanalysed
            ]],
            original: original, words: words, tokensRun: 0)
        let scorer = InterventionScorer(analyser: analyser, attribute: .tense, labels: ["PST", "PRS"], tokenizer: tokenizer)
        let scored = try scorer.score(predictions, gold: gold, rankingNames: ["probeless"], neuronCounts: [0, 10])
        let curve = try #require(scored.curves.first)
        #expect(curve.errorRate == [0, 1])
        #expect(curve.clwv == [0, 0.5])
        #expect(curve.wrong == [0, 4])
        #expect(curve.unanalysed == [0, 1])
        #expect(scored.distinctWrong == 4)
        #expect(scored.distinctUnanalysed == 1)
        #expect(curve.saturation == nil, "two ticks cannot saturate")
    }

    @Test("CLWV needs a reading with a gold lemma that lacks the gold value")
    func clwvRule() {
        let pl = MorphologicalReading(lemma: "Canción", values: [.number: ["PL"]])
        #expect(pl.lemma == "canción")
        #expect(InterventionScorer.isCLWV([pl], goldLemmas: ["canción"], goldValue: "SG", attribute: .number))
        #expect(!InterventionScorer.isCLWV([pl], goldLemmas: ["canción"], goldValue: "PL", attribute: .number))
        #expect(!InterventionScorer.isCLWV([pl], goldLemmas: ["cantar"], goldValue: "SG", attribute: .number))
        let open = MorphologicalReading(lemma: "crisis", values: [.number: ["SG", "PL"]])
        #expect(!InterventionScorer.isCLWV([open], goldLemmas: ["crisis"], goldValue: "SG", attribute: .number), "an open value includes the gold one")
    }

    @Test("the saturation rule on hand-made CLWV curves, with the code's final gap", arguments: [
        ([0.0, 0.0, 0.0, 0.0], nil as Int?),                     // never above zero
        ([0.05, 0.2, 0.3, 0.31, 0.314, 0.33], 2 as Int?),        // 0.31/0.30, 0.314/0.30 < 1.05; gap 0.03
        ([0.3, 0.31, 0.314, 0.2, 0.1], 0 as Int?),               // a drop after saturating is allowed
        ([0.1, 0.104, 0.3, 0.31, 0.312], 2 as Int?),             // tick 0 fails the growth test at tick 2
    ])
    func saturation(curve: [Double], expected: Int?) {
        #expect(SaturationPoint.index(curve) == expected)
    }

    @Test("Table 1 cells: CLWV and neurons at saturation; the fitted head is labelled")
    func table() {
        let curve = InterventionCurve(ranking: "probeless", neuronCounts: [0, 10, 20, 30], errorRate: [0.1, 0.4, 0.5, 0.5],
                                      clwv: [0, 0.3, 0.31, 0.312], wrong: [], unanalysed: [],
                                      saturation: SaturationSummary(index: 1, neurons: 10, clwv: 0.3, errorRate: 0.4))
        #expect(InterventionReport.cell(curve) == "0.30, 10")
        var missing = curve
        missing.saturation = nil
        #expect(InterventionReport.cell(missing) == "—")
        #expect(PredictionHead.pretrained.label == "pretrained masked-LM head")
    }
}
