import Foundation
import Corpora
import Models

/// Where a curve saturates (footnote 5): the tick, its neuron count, CLWV and error rate there.
public struct SaturationSummary: Sendable, Codable, Hashable {
    public var index: Int
    public var neurons: Int
    public var clwv: Double
    public var errorRate: Double
}

/// Error rate and CLWV against k for one ranking (Antverg & Belinkov §4.3, Fig. 4).
public struct InterventionCurve: Sendable, Codable, Hashable {
    /// `linear`, `linear↑` (bottom-to-top), …, `random`.
    public var ranking: String
    public var neuronCounts: [Int]
    /// Wrong predictions / relevant words.
    public var errorRate: [Double]
    /// Correct lemma, wrong (or missing) value / relevant words.
    public var clwv: [Double]
    /// Wrong predictions per tick.
    public var wrong: [Int]
    /// Wrong predictions the analyser could not analyse, per tick.
    public var unanalysed: [Int]
    public var saturation: SaturationSummary?
}

/// Turns predicted token ids into error rate and CLWV with a morphological analyser.
public struct InterventionScorer: Sendable {
    public var analyser: any MorphologicalAnalyser
    public var attribute: UniMorphAttribute
    /// Label names (UniMorph values) indexed by ``InterventionWord/label``.
    public var labels: [String]
    public var tokenizer: any Tokenizer

    public init(analyser: any MorphologicalAnalyser, attribute: UniMorphAttribute, labels: [String], tokenizer: any Tokenizer) {
        self.analyser = analyser
        self.attribute = attribute
        self.labels = labels
        self.tokenizer = tokenizer
    }

    /// The word a list of subword ids spells: WordPiece `##` and SentencePiece `▁` markers dropped.
    public static func decode(_ ids: [Int], tokenizer: any Tokenizer) -> String {
        var word = ""
        for id in ids {
            var token = tokenizer.token(of: id) ?? ""
            if token.hasPrefix("##") { token.removeFirst(2) } else if token.hasPrefix("▁") { token.removeFirst() }
            word += token
        }
        return word
    }

    /// Whether a wrong prediction is a CLWV error: one of its readings has a lemma of the true word
    /// and lacks the true value of the attribute.
    public static func isCLWV(_ readings: [MorphologicalReading], goldLemmas: Set<String>, goldValue: String,
                              attribute: UniMorphAttribute) -> Bool {
        readings.contains { reading in
            goldLemmas.contains(reading.lemma) && !(reading.values[attribute]?.contains(goldValue) ?? false)
        }
    }

    /// Curves for every ranking.
    ///
    /// - Parameters:
    ///   - gold: per word of `predictions.words`, its treebank form and lemma
    ///   - rankingNames: one per ranking of the sweep
    /// - Returns: the curves, and over all distinct wrong predictions how many the analyser could not analyse.
    public func score(_ predictions: SweepPredictions, gold: [(form: String, lemma: String?)], rankingNames: [String],
                      neuronCounts: [Int]) throws -> (curves: [InterventionCurve], distinctWrong: Int, distinctUnanalysed: Int) {
        precondition(gold.count == predictions.words.count, "\(gold.count) gold words for \(predictions.words.count) predictions")
        let originalForms = predictions.original.map { Self.decode($0, tokenizer: tokenizer) }
        // Every distinct wrong prediction and every gold form, analysed in one batch.
        var forms = Set<String>()
        for form in gold.map(\.form) { forms.insert(form) }
        var decoded = [[[String?]]]()
        for ranking in predictions.predicted {
            decoded.append(ranking.map { tick in
                tick.enumerated().map { word, ids in
                    guard ids != predictions.original[word] else { return nil }
                    let form = Self.decode(ids, tokenizer: tokenizer)
                    forms.insert(form)
                    return form
                }
            })
        }
        let list = Array(forms).sorted()
        let readings = Dictionary(uniqueKeysWithValues: zip(list, try analyser.analyse(list)))
        let goldLemmas: [Set<String>] = gold.indices.map { index in
            var lemmas = Set((readings[gold[index].form] ?? []).map(\.lemma))
            if let lemma = gold[index].lemma { lemmas.insert(lemma.lowercased()) }
            return lemmas
        }
        let goldValues = predictions.words.map { labels[$0.word.label] }
        let total = Double(max(1, gold.count))
        var curves: [InterventionCurve] = []
        var wrongForms = Set<String>()
        for (r, ranking) in decoded.enumerated() {
            var curve = InterventionCurve(ranking: rankingNames[r], neuronCounts: neuronCounts, errorRate: [], clwv: [],
                                          wrong: [], unanalysed: [], saturation: nil)
            for tick in ranking {
                var wrong = 0, clwv = 0, unanalysed = 0
                for (word, form) in tick.enumerated() {
                    guard let form else { continue }
                    // A different tokenisation of the same word is no error.
                    if form.lowercased() == originalForms[word].lowercased() { continue }
                    wrong += 1
                    wrongForms.insert(form)
                    let analyses = readings[form] ?? []
                    if analyses.isEmpty { unanalysed += 1; continue }
                    if Self.isCLWV(analyses, goldLemmas: goldLemmas[word], goldValue: goldValues[word], attribute: attribute) { clwv += 1 }
                }
                curve.wrong.append(wrong)
                curve.unanalysed.append(unanalysed)
                curve.errorRate.append(Double(wrong) / total)
                curve.clwv.append(Double(clwv) / total)
            }
            if let index = SaturationPoint.index(curve.clwv) {
                curve.saturation = SaturationSummary(index: index, neurons: neuronCounts[index], clwv: curve.clwv[index],
                                                     errorRate: curve.errorRate[index])
            }
            curves.append(curve)
        }
        let unanalysedForms = wrongForms.filter { (readings[$0] ?? []).isEmpty }.count
        return (curves, wrongForms.count, unanalysedForms)
    }
}
