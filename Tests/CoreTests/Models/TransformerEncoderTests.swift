import Foundation
import Testing
@testable import Kernels
@testable import Models
@testable import Storage
@testable import Analysis

@Suite("TransformerEncoder against transformers")
struct TransformerEncoderTests {
    static let tinyModels = ["bert-uncased-tiny", "bert-cased-tiny", "bert-cased-tiny-f16", "bert-cased-tiny-bf16",
                             "bert-cased-tiny-sharded", "xlmr-tiny"]

    /// Compares every hidden state (and MLM logits where stored) of every fixture sentence, run one by one.
    func compare(model: TransformerEncoder, reference: ReferenceActivations, tolerance: Float = 1e-4) throws {
        for sentence in reference.sentences {
            let batch = PackedBatch(sequences: [sentence.wordIDs])
            let states = model.hiddenStates(batch)
            let expected = try reference.hiddenStates(sentence)
            #expect(expected.shape == [states.count, sentence.wordIDs.count, model.config.hiddenSize], "\(sentence.id)")
            let perState = sentence.wordIDs.count * model.config.hiddenSize
            try expected.scalars.withUnsafeBufferPointer { all in
                for (index, state) in states.enumerated() {
                    let slice = UnsafeBufferPointer(rebasing: all[(index * perState)..<((index + 1) * perState)])
                    let difference = maxDifference(state, rows: 0..<sentence.wordIDs.count, slice)
                    #expect(difference < tolerance, "\(reference.model) \(sentence.id) hidden state \(index): \(difference)")
                }
                if let logits = try reference.logits(sentence) {
                    let ours = try #require(model.maskedLMLogits(states[states.count - 1]))
                    #expect(ours.shape == logits.shape)
                    let difference = logits.scalars.withUnsafeBufferPointer { maxDifference(ours, rows: 0..<ours.rows, $0) }
                    #expect(difference < tolerance, "\(reference.model) \(sentence.id) logits: \(difference)")
                }
            }
        }
    }

    @Test("tiny checkpoints reproduce every hidden state and MLM logit within 1e-4", arguments: tinyModels)
    func tinyModel(name: String) throws {
        let model = try TransformerEncoder.load(from: Fixtures.url("models/\(name)"))
        #expect(model.hasMaskedLMHead)
        try compare(model: model, reference: try ReferenceActivations.load(name))
    }

    @Test("real MiniLM reproduces transformers' hidden states within 1e-4")
    func realMiniLM() throws {
        guard let folder = installedMiniLM else {
            Issue.record("MiniLM is not installed: run scripts/setup")
            return
        }
        let model = try TransformerEncoder.load(from: folder)
        #expect(!model.hasMaskedLMHead)
        #expect(model.hiddenStateCount == 7)
        try compare(model: model, reference: try ReferenceActivations.load("minilm"))
    }

    @Test("a run split at any layer, without an edit, equals the full forward pass (logits too)", arguments: [0, 1, 2])
    func splitForward(layer: Int) throws {
        let model = try TransformerEncoder.load(from: Fixtures.url("models/bert-cased-tiny"))
        let reference = try ReferenceActivations.load("bert-cased-tiny")
        let sentence = try #require(reference.sentences.first { $0.hasLogits == true })
        let batch = PackedBatch(sequences: [sentence.wordIDs])
        var middle = Tensor(zeros: [0])
        model.forward(batch, upTo: layer) { index, hidden in if index == layer { middle = hidden } }
        let final = model.continueForward(from: layer, hidden: middle, batch: batch)
        let full = model.hiddenStates(batch)
        #expect(final == full[full.count - 1])
        let logits = try #require(model.maskedLMLogits(final))
        let expected = try #require(try reference.logits(sentence))
        let difference = expected.scalars.withUnsafeBufferPointer { maxDifference(logits, rows: 0..<logits.rows, $0) }
        #expect(difference < 1e-4, "\(difference)")
    }

    @Test("packing sentences into one batch gives each the same states as running it alone")
    func packedBatchEqualsSingles() throws {
        let model = try TransformerEncoder.load(from: Fixtures.url("models/xlmr-tiny"))
        let reference = try ReferenceActivations.load("xlmr-tiny")
        let sequences = reference.sentences.prefix(6).map(\.wordIDs)
        let batch = PackedBatch(sequences: Array(sequences))
        let packed = model.hiddenStates(batch)
        for (index, sequence) in sequences.enumerated() {
            let alone = model.hiddenStates(PackedBatch(sequences: [sequence]))
            for layer in 0..<alone.count {
                let difference = alone[layer].scalars.withUnsafeBufferPointer {
                    maxDifference(packed[layer], rows: batch.rows(of: index), $0)
                }
                #expect(difference < 1e-5, "sentence \(index) layer \(layer): \(difference)")
            }
        }
    }

    @Test("a padded transformers batch matches our unpadded packed batch on real tokens")
    func paddedBatchFromTransformers() throws {
        struct BatchFixture: Decodable { var ids: [[Int]]; var lengths: [Int] }
        let fixture = try JSONDecoder().decode(BatchFixture.self,
            from: Data(contentsOf: Fixtures.url("expected/bert-cased-tiny/batch.json")))
        let expected = try NumpyArrayFile.read(Fixtures.url("expected/bert-cased-tiny/batch.hidden.npy"))
        let model = try TransformerEncoder.load(from: Fixtures.url("models/bert-cased-tiny"))
        let sequences = zip(fixture.ids, fixture.lengths).map { Array($0.prefix($1)) }
        let batch = PackedBatch(sequences: sequences)
        let states = model.hiddenStates(batch)
        let (stateCount, longest, width) = (expected.shape[1], expected.shape[2], expected.shape[3])
        #expect(stateCount == states.count)
        expected.scalars.withUnsafeBufferPointer { all in
            for sequence in 0..<sequences.count {
                for layer in 0..<stateCount {
                    let start = ((sequence * stateCount + layer) * longest) * width
                    let slice = UnsafeBufferPointer(rebasing: all[start..<(start + fixture.lengths[sequence] * width)])
                    let difference = maxDifference(states[layer], rows: batch.rows(of: sequence), slice)
                    #expect(difference < 1e-4, "sequence \(sequence) layer \(layer): \(difference)")
                }
            }
        }
    }
}
