import Foundation
import Testing

@testable import Kernels
@testable import Support
@testable import Models

/// Pullbacks against central finite differences on the tiny Gemma-3-shaped GGUF (sliding window,
/// GQA, both RoPE bases, several packed sequences), and the forward half against the forward pass.
@Suite("Gradients")
struct GradientTests {
    static func setup() throws -> (Gemma3Model, PackedBatch, rows: [Int]) {
        let model = try Gemma3Model.load(from: Fixtures.tinyGemma3)
        var random = SplitMix64(seed: 5)
        let sequences = [7, 11, 4].map { length in
            (0..<length).map { _ in 1 + Int(random.nextUnitDouble() * Double(model.vocabularySize - 2)) }
        }
        let batch = PackedBatch(sequences: sequences)
        return (model, batch, (0..<batch.sequenceCount).map { batch.rows(of: $0).upperBound - 1 })
    }

    /// logit(a) − logit(b) summed over the rows: the log-ratio of the two continuations.
    static func difference(_ logits: Tensor) -> (value: Float, gradient: Tensor) {
        var gradient = Tensor(zeros: logits.shape)
        var value: Float = 0
        for row in 0..<logits.rows {
            value += logits.scalars[row * 2] - logits.scalars[row * 2 + 1]
            gradient.scalars[row * 2] = 1
            gradient.scalars[row * 2 + 1] = -1
        }
        return (value, gradient)
    }

    static let vocabulary = [3, 17]

    @Test("the forward half of every block's pullback is the forward pass, bit for bit")
    func forwardHalf() throws {
        let (model, batch, _) = try Self.setup()
        var hidden = model.embed(batch)
        for index in 1...model.layerCount {
            let plain = model.applyLayer(index, to: hidden, batch: batch, mlp: nil)
            let (traced, _) = model.applyLayerWithPullback(index, to: hidden, batch: batch, mlp: nil)
            #expect(traced == plain, "block \(index)")
            hidden = plain
        }
    }

    /// Central differences of the loss at `count` coordinates of the state (the largest gradients
    /// and some at random), against the pullback's gradient.
    static func check(_ model: Gemma3Model, _ batch: PackedBatch, rows: [Int], site: ModelSite, count: Int = 24) {
        let result = model.gradient(batch, at: site, rows: rows, vocabulary: vocabulary, loss: difference)
        let width = result.state.columns
        let largest = result.gradient.scalars.map(abs).max() ?? 0
        #expect(largest > 0, "\(site): some gradient")
        var random = SplitMix64(seed: 17)
        let top = result.gradient.scalars.indices.sorted { abs(result.gradient.scalars[$0]) > abs(result.gradient.scalars[$1]) }.prefix(count / 2)
        let chosen = Array(top) + (0..<(count / 2)).map { _ in Int(random.nextUnitDouble() * Double(result.state.count)) }
        func loss(_ change: @escaping SiteEdit) -> Float {
            let final: Tensor
            switch site {
            case .residual(let layer): final = model.run(batch, from: (layer, result.state), edits: [site: change])
            case .mlp, .cell: final = model.run(batch, edits: [site: change])
            }
            return difference(model.logits(final, rows: rows, vocabulary: vocabulary)!).value
        }
        var worst: Float = 0
        for index in chosen {
            let x = result.state.scalars[index]
            let step = 1e-2 * max(1, abs(x))
            let up = loss { state, _ in state.scalars[index] += step }
            let down = loss { state, _ in state.scalars[index] -= step }
            let numeric = (up - down) / (2 * step)
            worst = max(worst, abs(numeric - result.gradient.scalars[index]) / largest)
            _ = width
        }
        #expect(worst < 2e-2, "\(site): worst |finite difference − pullback| = \(worst) of the largest gradient \(largest)")
    }

    @Test("∂ log-ratio / ∂ residual stream at the embedding, a local and a global block, and the last")
    func residual() throws {
        let (model, batch, rows) = try Self.setup()
        for layer in [0, 1, model.layerCount / 2, model.layerCount] { Self.check(model, batch, rows: rows, site: .residual(layer)) }
    }

    @Test("∂ log-ratio / ∂ MLP inner activation of the first and the last block")
    func mlp() throws {
        let (model, batch, rows) = try Self.setup()
        for layer in [1, model.layerCount] { Self.check(model, batch, rows: rows, site: .mlp(layer)) }
    }

    @Test("causal: positions after the last read row get no gradient; an edit before the site is honoured")
    func structure() throws {
        let (model, batch, rows) = try Self.setup()
        let result = model.gradient(batch, at: .residual(1), rows: [rows[0]], vocabulary: Self.vocabulary, loss: Self.difference)
        let width = result.state.columns
        // Only sequence 0 is read: every other sequence's rows get exactly zero.
        #expect(result.gradient.scalars[(batch.rows(of: 1).lowerBound * width)...].allSatisfy { $0 == 0 })
        #expect(result.gradient.scalars[0..<(batch.rows(of: 0).upperBound * width)].contains { $0 != 0 })
        let zero: SiteEdit = { state, _ in for i in 0..<state.columns { state.scalars[i] = 0 } }
        let edited = model.gradient(batch, at: .residual(1), edits: [.residual(1): zero], rows: [rows[0]], vocabulary: Self.vocabulary,
                                    loss: Self.difference)
        #expect(edited.state.scalars[0..<width].allSatisfy { $0 == 0 })
        #expect(edited.loss != result.loss)
    }
}

/// The gated intervention step of `workbench bench gradient` against torch.autograd on the tiny GGUF
/// (scripts/make-gradient-fixture.py): block 3's output gated at position 1 by (1 − σ(g)) h + σ(g) b.
@Suite("Gradients against torch.autograd")
struct GradientAutogradTests {
    struct Record: Decodable {
        var ids: [[Int]], site: Int, position: Int, vocabulary: [Int]
        var gate: [Float], baseline: [Float], loss: Float
        var state_gradient: [[Float]], gate_gradient: [Float]
    }

    @Test("loss, ∂loss/∂ĥ at every position and ∂loss/∂g equal torch.autograd's")
    func gatedStep() throws {
        let model = try Gemma3Model.load(from: Fixtures.tinyGemma3)
        let record = try JSONDecoder().decode(Record.self, from: Data(contentsOf: Fixtures.url("expected/gemma3-tiny/gradient.json")))
        let batch = PackedBatch(sequences: record.ids)
        let width = model.hiddenSize
        let editRows = (0..<batch.sequenceCount).map { batch.starts[$0] + record.position }
        let lastRows = (0..<batch.sequenceCount).map { batch.rows(of: $0).upperBound - 1 }
        let mask = record.gate.map { 1 / (1 + exp(-$0)) }, baseline = record.baseline
        let edit: SiteEdit = { state, _ in
            for row in editRows {
                for i in 0..<width { state.scalars[row * width + i] = (1 - mask[i]) * state.scalars[row * width + i] + mask[i] * baseline[i] }
            }
        }
        let site = ModelSite.residual(record.site)
        let result = model.gradient(batch, at: site, edits: [site: edit], rows: lastRows, vocabulary: record.vocabulary,
                                    loss: GradientTests.difference)
        #expect(abs(result.loss - record.loss) <= 1e-4 * max(1, abs(record.loss)), "loss \(result.loss) vs torch \(record.loss)")
        let expected = record.state_gradient.flatMap { $0 }
        #expect(expected.count == result.gradient.count)
        let largest = expected.map(abs).max() ?? 0
        let worst = zip(expected, result.gradient.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest > 0 && worst <= 1e-4 * largest, "∂loss/∂ĥ: worst |Δ| \(worst) of the largest \(largest)")
        // ∂loss/∂g_i = m_i Σ_s ∂loss/∂ĥ_si (b_i − ĥ_si), from ĥ − b = (1 − m)(h − b).
        var gateGradient = [Float](repeating: 0, count: width)
        for row in editRows {
            for i in 0..<width {
                gateGradient[i] += result.gradient.scalars[row * width + i] * (baseline[i] - result.state.scalars[row * width + i])
            }
        }
        for i in 0..<width { gateGradient[i] *= mask[i] }
        let largestGate = record.gate_gradient.map(abs).max() ?? 0
        let worstGate = zip(record.gate_gradient, gateGradient).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largestGate > 0 && worstGate <= 1e-4 * largestGate, "∂loss/∂g: worst |Δ| \(worstGate) of the largest \(largestGate)")
    }
}
