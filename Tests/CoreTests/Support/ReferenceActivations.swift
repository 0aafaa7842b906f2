import Foundation
@testable import Kernels
@testable import Models
@testable import Storage
@testable import Analysis

/// Hidden states and MLM logits that HF transformers computed for the fixture sentences
/// (`Fixtures/expected/<model>.json` plus `<model>/sNN.hidden.npy` and `sNN.logits.npy`).
struct ReferenceActivations: Decodable {
    struct Sentence: Decodable {
        var id: String
        var wordIDs: [Int]
        var wordSpans: [[Int]]
        var arrays: String
        var hasLogits: Bool?

        enum CodingKeys: String, CodingKey {
            case id, arrays
            case wordIDs = "word_ids"
            case wordSpans = "word_spans"
            case hasLogits = "has_logits"
        }
    }

    var model: String
    var sentences: [Sentence]

    static func load(_ name: String) throws -> ReferenceActivations {
        try JSONDecoder().decode(ReferenceActivations.self, from: Data(contentsOf: Fixtures.url("expected/\(name).json")))
    }

    /// [hidden states, tokens, hidden] of one sentence.
    func hiddenStates(_ sentence: Sentence) throws -> Tensor {
        try NumpyArrayFile.read(Fixtures.url("expected/\(sentence.arrays).hidden.npy"))
    }

    /// [tokens, vocab] of one sentence, when the fixture has them.
    func logits(_ sentence: Sentence) throws -> Tensor? {
        guard sentence.hasLogits == true else { return nil }
        return try NumpyArrayFile.read(Fixtures.url("expected/\(sentence.arrays).logits.npy"))
    }
}

/// The largest absolute difference between rows `rows` of `ours` ([tokens, width]) and `reference` [n, width].
func maxDifference(_ ours: Tensor, rows: Range<Int>, _ reference: UnsafeBufferPointer<Float>) -> Float {
    let width = ours.columns
    var worst: Float = 0
    for (r, row) in rows.enumerated() {
        for j in 0..<width { worst = max(worst, abs(ours[row, j] - reference[r * width + j])) }
    }
    return worst
}

/// The installed default model, or nil (tests that need it then record why they did nothing).
var installedMiniLM: URL? {
    let url = ModelCatalog.defaultModel
    return FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path) ? url : nil
}
