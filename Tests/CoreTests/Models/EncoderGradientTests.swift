import Foundation
import Testing

@testable import Kernels
@testable import Support
@testable import Models

/// The encoders' pullbacks against central finite differences on the tiny BERT and XLM-R
/// fixtures (several packed sequences, attention over each sequence's own tokens), and the forward
/// half against the forward pass.
@Suite("Encoder gradients")
struct EncoderGradientTests {
    static let fixtures = ["models/bert-cased-tiny", "models/xlmr-tiny"]

    static func setup(_ fixture: String) throws -> (TransformerEncoder, PackedBatch, rows: [Int]) {
        let model = try TransformerEncoder.load(from: Fixtures.url(fixture))
        var random = SplitMix64(seed: 5)
        let sequences = [7, 11, 4].map { length in
            (0..<length).map { _ in 5 + Int(random.nextUnitDouble() * Double(model.vocabularySize - 10)) }
        }
        let batch = PackedBatch(sequences: sequences)
        // A middle position of each sequence (a masked LM reads any position).
        return (model, batch, (0..<batch.sequenceCount).map { batch.rows(of: $0).lowerBound + batch.rows(of: $0).count / 2 })
    }

    static let vocabulary = [3, 17]

    @Test("the forward half of every block's pullback is the forward pass, bit for bit", arguments: fixtures)
    func forwardHalf(fixture: String) throws {
        let (model, batch, rows) = try Self.setup(fixture)
        var hidden = model.embed(batch)
        for index in 1...model.layerCount {
            let plain = model.applyLayer(index, to: hidden, batch: batch, mlp: nil)
            let (traced, _) = model.applyLayerWithPullback(index, to: hidden, batch: batch, mlp: nil)
            #expect(traced == plain, "block \(index)")
            hidden = plain
        }
        let (logits, _) = model.logitsWithPullback(hidden, rows: rows, vocabulary: Self.vocabulary)
        #expect(logits == model.logits(hidden, rows: rows, vocabulary: Self.vocabulary))
    }

    /// Central differences of the loss (summed in Float64) at `count` coordinates of the state (the
    /// largest gradients and some at random), against the pullback's gradient.
    static func check(_ model: TransformerEncoder, _ batch: PackedBatch, rows: [Int], site: ModelSite, count: Int = 24) {
        let result = model.gradient(batch, at: site, rows: rows, vocabulary: vocabulary, loss: GradientTests.difference)
        let largest = result.gradient.scalars.map(abs).max() ?? 0
        #expect(largest > 0, "\(site): some gradient")
        var random = SplitMix64(seed: 17)
        let top = result.gradient.scalars.indices.sorted { abs(result.gradient.scalars[$0]) > abs(result.gradient.scalars[$1]) }.prefix(count / 2)
        let chosen = Array(top) + (0..<(count / 2)).map { _ in Int(random.nextUnitDouble() * Double(result.state.count)) }
        func loss(_ change: @escaping SiteEdit) -> Double {
            let final: Tensor
            switch site {
            case .residual(let layer): final = model.run(batch, from: (layer, result.state), edits: [site: change])
            case .mlp, .cell: final = model.run(batch, edits: [site: change])
            }
            let logits = model.logits(final, rows: rows, vocabulary: vocabulary)!
            return (0..<logits.rows).reduce(0) { $0 + Double(logits.scalars[$1 * 2]) - Double(logits.scalars[$1 * 2 + 1]) }
        }
        var worst: Double = 0
        for index in chosen {
            let step = 1e-2 * max(1, abs(result.state.scalars[index]))
            let up = loss { state, _ in state.scalars[index] += step }
            let down = loss { state, _ in state.scalars[index] -= step }
            let numeric = (up - down) / (2 * Double(step))
            worst = max(worst, abs(numeric - Double(result.gradient.scalars[index])) / Double(largest))
        }
        #expect(worst < 2e-2, "\(site): worst |finite difference − pullback| = \(worst) of the largest gradient \(largest)")
    }

    @Test("∂ log-ratio / ∂ residual stream at the embeddings, the first block and the last", arguments: fixtures)
    func residual(fixture: String) throws {
        let (model, batch, rows) = try Self.setup(fixture)
        for layer in Set([0, 1, model.layerCount / 2, model.layerCount]).sorted() { Self.check(model, batch, rows: rows, site: .residual(layer)) }
    }

    @Test("∂ log-ratio / ∂ MLP inner activation of the first and the last block", arguments: fixtures)
    func mlp(fixture: String) throws {
        let (model, batch, rows) = try Self.setup(fixture)
        for layer in Set([1, model.layerCount]).sorted() { Self.check(model, batch, rows: rows, site: .mlp(layer)) }
    }

    @Test("bidirectional: a read row reaches every position of its own sequence, none of the others")
    func structure() throws {
        let (model, batch, rows) = try Self.setup(Self.fixtures[0])
        let result = model.gradient(batch, at: .residual(1), rows: [rows[1]], vocabulary: Self.vocabulary, loss: GradientTests.difference)
        let width = result.state.columns
        let own = batch.rows(of: 1)
        // Positions before and after the read row within sequence 1 get gradient; sequences 0 and 2 none.
        for row in [own.lowerBound, own.upperBound - 1] {
            #expect(result.gradient.scalars[(row * width)..<((row + 1) * width)].contains { $0 != 0 }, "row \(row)")
        }
        #expect(result.gradient.scalars[0..<(own.lowerBound * width)].allSatisfy { $0 == 0 })
        #expect(result.gradient.scalars[(own.upperBound * width)...].allSatisfy { $0 == 0 })
    }

    /// What `scripts/make-encoder-gradient-fixtures.py` wrote: torch.autograd's gradients of
    /// logit[position, first] − logit[position, second] at every site.
    struct TorchReference: Decodable {
        var ids: [Int], position: Int, first: Int, second: Int
        var loss: Float
        var gradients: [String: [[Float]]]
    }

    @Test("the gradient at every site equals torch.autograd's (transformers, eager attention) within 1e-3 of the largest",
          arguments: ["bert-cased-tiny", "xlmr-tiny"])
    func torchReference(name: String) throws {
        let reference = try JSONDecoder().decode(TorchReference.self,
                                                 from: Data(contentsOf: Fixtures.url("expected/encoder-gradients/\(name).json")))
        let model = try TransformerEncoder.load(from: Fixtures.url("models/\(name)"))
        let batch = PackedBatch(sequences: [reference.ids])
        let sites = (0...model.layerCount).map { ModelSite.residual($0) } + (1...model.layerCount).map { ModelSite.mlp($0) }
        #expect(reference.gradients.count == sites.count)
        for site in sites {
            let key = "\(site.kind.rawValue):\(site.layer)"
            let expected = try #require(reference.gradients[key], "\(key) in the fixture").flatMap { $0 }
            let result = model.gradient(batch, at: site, rows: [reference.position], vocabulary: [reference.first, reference.second],
                                        loss: GradientTests.difference)
            #expect(abs(result.loss - reference.loss) < 1e-4, "\(key): loss \(result.loss) vs torch \(reference.loss)")
            #expect(result.gradient.count == expected.count, "\(key)")
            let largest = expected.map(abs).max() ?? 0
            #expect(largest > 0, "\(key)")
            let worst = zip(result.gradient.scalars, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-3 * largest, "\(key): worst |ours − torch| = \(worst) of the largest \(largest)")
        }
    }

    @Test("the tanh GELU variant (gelu_new) is pulled back through its own derivative")
    func tanhGELU() throws {
        let (model, batch, rows) = try Self.setup(Self.fixtures[0])
        var config = model.config
        config.hiddenActivation = "gelu_new"
        let variant = TransformerEncoder(config: config, embeddings: model.embeddings, layers: model.layers, head: model.head)
        #expect(variant.usesTanhGELU)
        Self.check(variant, batch, rows: rows, site: .residual(1))
        Self.check(variant, batch, rows: rows, site: .mlp(model.layerCount))
    }
}
