import Foundation
import Testing
@testable import Kernels
@testable import Models

/// The main preconditions fire in the build the suite runs (release): each body runs in a child
/// process (an exit test), which must stop with a failure — a shape mistake or a layer out of range
/// is a message and a stop, never a result computed from the wrong memory. Each body first does the
/// same call correctly, so a test cannot pass because its set-up failed instead of the check.
@Suite("Preconditions fire")
struct PreconditionTests {
    @Test("a tensor's scalars must fill its shape")
    func tensorShape() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 6))
            _ = Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 5))
        }
    }

    @Test("matmul needs the inner sizes to agree")
    func matmulShapes() async {
        await #expect(processExitsWith: .failure) {
            let a = Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 6))
            _ = a.matmul(Tensor(shape: [3, 4], scalars: [Float](repeating: 1, count: 12)))
            _ = a.matmul(Tensor(shape: [4, 5], scalars: [Float](repeating: 1, count: 20)))
        }
    }

    @Test("linear needs the weight's width to be the input's")
    func linearShapes() async {
        await #expect(processExitsWith: .failure) {
            let x = Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 6))
            _ = x.linear(weight: Tensor(shape: [4, 3], scalars: [Float](repeating: 1, count: 12)), bias: nil)
            _ = x.linear(weight: Tensor(shape: [4, 5], scalars: [Float](repeating: 1, count: 20)), bias: nil)
        }
    }

    @Test("element-wise add needs equal shapes")
    func addShapes() async {
        await #expect(processExitsWith: .failure) {
            var x = Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 6))
            x.add(Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 6)))
            x.add(Tensor(shape: [3, 3], scalars: [Float](repeating: 1, count: 9)))
        }
    }

    @Test("a run stops at a hidden state the model has")
    func runBeyondLastLayer() async {
        await #expect(processExitsWith: .failure) {
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/models/bert-cased-tiny")
            guard let model = try? TransformerEncoder.load(from: folder) else { return }   // exits 0: the test fails
            let batch = PackedBatch(sequences: [[101, 102]])
            _ = model.run(batch, upTo: model.layerCount)
            _ = model.run(batch, upTo: model.layerCount + 1)
        }
    }

    @Test("a split run starts from a state of the batch's shape")
    func runFromWrongState() async {
        await #expect(processExitsWith: .failure) {
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/models/bert-cased-tiny")
            guard let model = try? TransformerEncoder.load(from: folder) else { return }
            let batch = PackedBatch(sequences: [[101, 102]])
            let state = model.run(batch, upTo: 1)
            _ = model.run(batch, from: (layer: 1, state: state))
            _ = model.run(batch, from: (layer: 1, state: Tensor(shape: [3, model.hiddenSize], scalars: [Float](repeating: 0, count: 3 * model.hiddenSize))))
        }
    }
}
