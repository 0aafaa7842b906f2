import Foundation
import Testing

@testable import Kernels
@testable import Support
@testable import Models
@testable import Analysis

/// The split-forward sweep on a tiny fixture masked LM (16 wide, 2 layers, with its MLM head).
@Suite("Intervention sweep")
struct InterventionSweepTests {
    static let words = [["The", "dogs", "walked", "home", "."], ["A", "cat", "sleeps", "."], ["Birds", "sing", "and", "fly", "today", "."]]

    static func setup() throws -> (TransformerEncoder, [InterventionSentence], [[Float]]) {
        let folder = Fixtures.url("models/bert-cased-tiny")
        let model = try TransformerEncoder.load(from: folder)
        let tokenizer = try TokenizerLoader.load(folder: folder)
        let relevant: [[InterventionWord]] = [
            [.init(position: 1, label: 1), .init(position: 2, label: 0)],
            [.init(position: 1, label: 0)],
            [.init(position: 0, label: 1), .init(position: 3, label: 0)],
        ]
        let sentences = zip(words, relevant).enumerated().map { index, pair in
            InterventionSentence(tokens: TokenizedSentence(fileIndex: 0, id: "s\(index)", words: pair.0, tokenizer: tokenizer), words: pair.1)
        }
        var random = SplitMix64(seed: 3)
        let means = (0..<2).map { _ in (0..<16).map { _ in Float(random.nextUnitDouble() * 4 - 2) } }
        return (model, sentences, means)
    }

    /// The argmax at each relevant word's subwords, editing one sentence at a time by hand.
    static func byHand(_ model: TransformerEncoder, _ sentence: InterventionSentence, layer: Int, edit: (inout [Float], Int) -> Void) -> [[Int]] {
        let batch = PackedBatch(sequences: [sentence.tokens.ids])
        var hidden = Tensor(zeros: [0])
        model.forward(batch, upTo: layer) { index, state in if index == layer { hidden = state } }
        let width = hidden.columns
        var rows: [Int] = []
        for word in sentence.words {
            for row in sentence.tokens.wordSpans[word.position] {
                var vector = Array(hidden.scalars[(row * width)..<((row + 1) * width)])
                edit(&vector, word.label)
                hidden.scalars.replaceSubrange((row * width)..<((row + 1) * width), with: vector)
                rows.append(row)
            }
        }
        let final = model.continueForward(from: layer, hidden: hidden, batch: batch)
        let argmax = ReadoutHead.argmax(model.maskedLMLogits(final, rows: rows)!)
        var start = 0
        return sentence.words.map { word in
            let count = sentence.tokens.wordSpans[word.position].count
            defer { start += count }
            return Array(argmax[start..<(start + count)])
        }
    }

    @Test("k = 0 reproduces the unedited model's argmax at the relevant subwords", arguments: [0, 1, 2])
    func unedited(layer: Int) throws {
        let (model, sentences, means) = try Self.setup()
        let sweep = InterventionSweep(model: model, head: .pretrained,
                                      settings: .init(layer: layer, edit: .translate(beta: 8), neuronCounts: [0]))
        let ranking = Array((0..<16).reversed())
        let predictions = try sweep.run(sentences, rankings: [ranking], directions: InterventionSweep.directions(means: means))
        let expected = sentences.flatMap { Self.byHand(model, $0, layer: layer) { _, _ in } }
        #expect(predictions.predicted[0][0] == expected)
        #expect(predictions.words.count == 5)
        #expect(predictions.original.count == 5)
    }

    @Test("translation and ablation of the top k equal editing the hidden states by hand", arguments: [
        NeuronEdit.translate(beta: 8), .translateUnscaled(beta: 3), .ablate,
    ])
    func edits(edit: NeuronEdit) throws {
        let (model, sentences, means) = try Self.setup()
        let layer = 1, k = 6
        var random = SplitMix64(seed: 9)
        var ranking = Array(0..<16)
        ranking.shuffle(using: &random)
        let directions = InterventionSweep.directions(means: means)
        var settings = InterventionSweep.Settings(layer: layer, edit: edit, neuronCounts: [0, k, 16])
        settings.maxBatchSentences = 2   // two batches, one with two sentences packed
        let predictions = try InterventionSweep(model: model, head: .pretrained, settings: settings)
            .run(sentences, rankings: [ranking], directions: directions)
        for (tick, count) in [(1, k), (2, 16)] {
            let expected = sentences.flatMap { sentence in
                Self.byHand(model, sentence, layer: layer) { vector, label in
                    for rank in 0..<count {
                        let neuron = ranking[rank]
                        if edit == .ablate { vector[neuron] = 0 }
                        else { vector[neuron] += Float(edit.scale(rank: rank, neuronCount: 16)) * directions[label][neuron] }
                    }
                }
            }
            #expect(predictions.predicted[0][tick] == expected, "k = \(count)")
        }
        if edit != .ablate {
            #expect(predictions.predicted[0][2] != predictions.predicted[0][0], "a β-sized translation of every neuron changes some prediction")
        }
    }

    @Test("running layers 1…l once per batch equals re-running the whole model for every k")
    func reuse() throws {
        let (model, sentences, means) = try Self.setup()
        var settings = InterventionSweep.Settings(layer: 1, edit: .translate(beta: 8), neuronCounts: InterventionSweep.Settings.ticks(neuronCount: 16, step: 5))
        #expect(settings.neuronCounts == [0, 5, 10, 15, 16])
        let rankings = [Array(0..<16), Array((0..<16).reversed())]
        let directions = InterventionSweep.directions(means: means)
        let reused = try InterventionSweep(model: model, head: .pretrained, settings: settings).run(sentences, rankings: rankings, directions: directions)
        settings.reuseLowerLayers = false
        settings.workers = 1
        let naive = try InterventionSweep(model: model, head: .pretrained, settings: settings).run(sentences, rankings: rankings, directions: directions)
        #expect(reused.predicted == naive.predicted)
        #expect(reused.tokensRun == naive.tokensRun)
    }

    @Test("directions: q(next value) − q(value), cyclic, or towards a chosen value")
    func directions() {
        let means: [[Float]] = [[0, 0], [1, 2], [3, 5]]
        #expect(InterventionSweep.directions(means: means) == [[1, 2], [2, 3], [-3, -5]])
        #expect(InterventionSweep.directions(means: means, target: 0) == [[0, 0], [-1, -2], [-3, -5]])
    }
}

