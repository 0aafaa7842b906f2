import Foundation

@testable import Kernels
@testable import Support
@testable import Models
@testable import Analysis

/// A model whose number decision is carried by two known units, so that a method's answer can be
/// checked exactly. Tokens: 0 the singular verb, 1 the plural verb, 2…5 singular nouns, 6…9 plural
/// nouns. State 0 is the noun's embedding (16 units): units 2 and 5 are ±1.2…1.8 by number, the
/// others small noise; block 1 is tanh; logit(singular verb) − logit(plural verb) =
/// Σ w_i tanh(h_i) + 0.5 with w = 1 on units 2 and 5 and 0.02 on the rest.
///
/// Replacing one planted unit by any value leaves the difference above 0.25 (the distractors move
/// it by at most 0.56 all together, but only when all 14 are edited); replacing both flips it:
/// the smallest intervention that flips every singular example is exactly {2, 5}.
struct PlantedUnitsModel: DifferentiableLanguageModel {
    static let planted = [2, 5]
    let architecture = "planted"
    let summary = "planted units (16 wide, 1 block)"
    let hiddenSize = 16
    let mlpSize = 16
    let layerCount = 1
    let maxSequenceLength = 8
    let vocabularySize = 10
    let objective = PredictionObjective.nextToken
    let hasOutputHead = true
    let normEpsilon: Float = 1e-6
    let tokenEmbeddings: Tensor
    let weights: [Float]

    init() {
        var random = SplitMix64(seed: 42)
        var table = [Float](repeating: 0, count: 10 * 16)
        for token in 2..<10 {
            let sign: Float = token < 6 ? 1 : -1
            for unit in 0..<16 {
                table[token * 16 + unit] = Self.planted.contains(unit)
                    ? sign * Float(1.2 + 0.6 * random.nextUnitDouble())
                    : Float(random.nextUnitDouble() - 0.5)
            }
        }
        tokenEmbeddings = Tensor(shape: [10, 16], scalars: table)
        weights = (0..<16).map { Self.planted.contains($0) ? 1 : 0.02 }
    }

    func embed(_ batch: PackedBatch) -> Tensor { tokenEmbeddings.selectingRows(batch.ids) }

    func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, mlp: ((inout Tensor) -> Void)?) -> Tensor {
        var inner = Tensor(shape: hidden.shape, scalars: hidden.scalars.map { tanh($0) })
        mlp?(&inner)
        return inner
    }

    /// Entry 0 gets half the difference, entry 1 minus half, the rest 0.
    func logits(_ lastHidden: Tensor, rows: [Int]?, vocabulary: [Int]?) -> Tensor? {
        let chosen = rows ?? Array(0..<lastHidden.rows), entries = vocabulary ?? Array(0..<vocabularySize)
        var out = Tensor(zeros: [chosen.count, entries.count])
        for (r, row) in chosen.enumerated() {
            var difference: Float = 0.5
            for unit in 0..<16 { difference += weights[unit] * lastHidden.scalars[row * 16 + unit] }
            for (e, entry) in entries.enumerated() where entry < 2 {
                out.scalars[r * entries.count + e] = entry == 0 ? difference / 2 : -difference / 2
            }
        }
        return out
    }

    func applyLayerWithPullback(_ index: Int, to hidden: Tensor, batch: PackedBatch,
                                mlp: ((inout Tensor) -> Void)?) -> (output: Tensor, pullback: LayerPullback) {
        let output = applyLayer(index, to: hidden, batch: batch, mlp: mlp)
        let derivative = output.scalars.map { 1 - $0 * $0 }
        return (output, LayerPullback(toInput: { gradient in
            Tensor(shape: gradient.shape, scalars: zip(gradient.scalars, derivative).map { $0 * $1 })
        }, toMLP: { $0 }))
    }

    func logitsWithPullback(_ lastHidden: Tensor, rows: [Int], vocabulary: [Int]?) -> (logits: Tensor, pullback: (Tensor) -> Tensor) {
        let logits = self.logits(lastHidden, rows: rows, vocabulary: vocabulary)!
        let entries = vocabulary ?? Array(0..<vocabularySize), weights = weights, tokens = lastHidden.rows
        return (logits, { gradient in
            var out = Tensor(zeros: [tokens, 16])
            for (r, row) in rows.enumerated() {
                var scale: Float = 0
                for (e, entry) in entries.enumerated() where entry < 2 {
                    scale += gradient.scalars[r * entries.count + e] * (entry == 0 ? 0.5 : -0.5)
                }
                for unit in 0..<16 { out.scalars[row * 16 + unit] += scale * weights[unit] }
            }
            return out
        })
    }

    /// One example per noun token of a number: the noun alone, d = the agreeing verb.
    static func examples(plural: Bool) -> [InterventionExample] {
        (plural ? 6..<10 : 2..<6).map { noun in
            InterventionExample(ids: [noun], preferred: plural ? 1 : 0, alternative: plural ? 0 : 1, subjectRow: 0, firstWordRow: 0,
                                condition: plural ? "plural" : "singular", text: "noun \(noun)", preferredForm: plural ? "verb-pl" : "verb-sg",
                                alternativeForm: plural ? "verb-sg" : "verb-pl")
        }
    }
}
