import Foundation
import Testing
@testable import Kernels
@testable import Models
@testable import Storage
@testable import Analysis

/// What transformers' Gemma 3 computed for a GGUF (scripts/make-decoder-fixtures).
struct DecoderReference: Decodable {
    struct Sequence: Decodable {
        var id: String
        var ids: [Int]
        var text: String?
        var arrays: String
    }
    var model: String
    var hiddenSize: Int
    var numHiddenStates: Int
    var vocabulary: [Int]?
    var sequences: [Sequence]
    /// The SHA-1 of the GGUF file the references were computed on (the tiny model's only).
    var ggufSHA1: String?

    enum CodingKeys: String, CodingKey {
        case model, hiddenSize = "hidden_size", numHiddenStates = "num_hidden_states", vocabulary, sequences, sentences
        case ggufSHA1 = "gguf_sha1"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        hiddenSize = try container.decode(Int.self, forKey: .hiddenSize)
        numHiddenStates = try container.decode(Int.self, forKey: .numHiddenStates)
        vocabulary = try container.decodeIfPresent([Int].self, forKey: .vocabulary)
        sequences = try container.decodeIfPresent([Sequence].self, forKey: .sequences)
            ?? container.decode([Sequence].self, forKey: .sentences)
        ggufSHA1 = try container.decodeIfPresent(String.self, forKey: .ggufSHA1)
    }

    static func load(_ name: String) throws -> DecoderReference {
        try JSONDecoder().decode(DecoderReference.self, from: Data(contentsOf: Fixtures.url("expected/\(name).json")))
    }

    func array(_ sequence: Sequence, _ suffix: String) throws -> Tensor {
        try NumpyArrayFile.read(Fixtures.url("expected/\(sequence.arrays).\(suffix).npy"))
    }
}

/// `max |ours − reference|` over a tensor, relative to the reference's largest magnitude (at least 1):
/// Gemma's residual stream grows to hundreds, so a fixed absolute tolerance would mean nothing.
func relativeDifference(_ ours: UnsafeBufferPointer<Float>, _ reference: UnsafeBufferPointer<Float>) -> Float {
    precondition(ours.count == reference.count, "\(ours.count) vs \(reference.count) values")
    var worst: Float = 0, scale: Float = 1
    for i in 0..<ours.count {
        worst = max(worst, abs(ours[i] - reference[i]))
        scale = max(scale, abs(reference[i]))
    }
    return worst / scale
}

@Suite("Gemma 3 against transformers")
struct Gemma3ModelTests {
    static let tinyURL = Fixtures.tinyGemma3
    static var realURL: URL {
        ModelCatalog.modelsRoot.appendingPathComponent("gemma-3-270m/gemma-3-270m-q4_k_m.gguf")
    }

    /// Every hidden state and the logits of every tiny sequence within `tolerance` of transformers.
    func compareTiny(_ model: Gemma3Model, reference: DecoderReference, tolerance: Float) throws -> [String] {
        var failures: [String] = []
        for sequence in reference.sequences {
            let states = model.hiddenStates(PackedBatch(sequences: [sequence.ids]))
            let expected = try reference.array(sequence, "hidden")
            #expect(expected.shape == [states.count, sequence.ids.count, model.hiddenSize], "\(sequence.id)")
            let perState = sequence.ids.count * model.hiddenSize
            expected.scalars.withUnsafeBufferPointer { all in
                for (index, state) in states.enumerated() {
                    let difference = state.scalars.withUnsafeBufferPointer {
                        relativeDifference($0, UnsafeBufferPointer(rebasing: all[(index * perState)..<((index + 1) * perState)]))
                    }
                    if difference >= tolerance { failures.append("\(sequence.id) hidden state \(index): \(difference)") }
                }
            }
            let logits = model.logits(states[states.count - 1])!
            let expectedLogits = try reference.array(sequence, "logits")
            #expect(logits.shape == expectedLogits.shape)
            let difference = logits.scalars.withUnsafeBufferPointer { ours in
                expectedLogits.scalars.withUnsafeBufferPointer { relativeDifference(ours, $0) }
            }
            if difference >= tolerance { failures.append("\(sequence.id) logits: \(difference)") }
        }
        return failures
    }

    @Test("the tiny model that TinyGemma3 writes is the file the references were computed on, byte for byte")
    func tinyFileIsTheReferencesFile() throws {
        let reference = try DecoderReference.load("gemma3-tiny")
        let bytes = try TinyGemma3.bytes()
        #expect(SHA1.hex(bytes) == reference.ggufSHA1, "TinyGemma3 changed: rerun scripts/make-decoder-fixtures and scripts/make-gradient-fixture.py")
        #expect(SHA1.hex(try TinyGemma3.bytes(seed: 1)) != reference.ggufSHA1, "the seed shapes the weights")
        #expect(try Data(contentsOf: Self.tinyURL) == Data(bytes))
    }

    @Test("the tiny GGUF reproduces every hidden state and logit within 1e-5 of its scale (sliding window, GQA, both RoPE bases)")
    func tiny() throws {
        let model = try Gemma3Model.load(from: Self.tinyURL)
        #expect(model.config.layerCount == 7 && model.config.headSize == 256 && model.config.hiddenSize == 32)
        #expect((0..<7).map(model.config.isGlobal) == [false, false, false, false, false, true, false])
        let reference = try DecoderReference.load("gemma3-tiny")
        let failures = try compareTiny(model, reference: reference, tolerance: 1e-5)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("each part matters: without the window, with one RoPE base for all layers, the long sequences drift")
    func partsMatter() throws {
        let model = try Gemma3Model.load(from: Self.tinyURL)
        let reference = try DecoderReference.load("gemma3-tiny")
        let noWindow = try compareTiny(model.with { $0.slidingWindow = 1000 }, reference: reference, tolerance: 1e-5)
        #expect(noWindow.contains { $0.hasPrefix("s05") } && !noWindow.contains { $0.hasPrefix("s01") }, "\(noWindow)")
        let oneBase = try compareTiny(model.with { $0.localRopeBase = $0.globalRopeBase }, reference: reference, tolerance: 1e-5)
        #expect(oneBase.contains { $0.hasPrefix("s05") }, "\(oneBase)")
        let allGlobal = try compareTiny(model.with { $0.slidingWindowPattern = 1 }, reference: reference, tolerance: 1e-5)
        #expect(allGlobal.contains { $0.hasPrefix("s05") }, "\(allGlobal)")
    }

    @Test("sequences packed in one batch give what each gives alone")
    func packed() throws {
        let model = try Gemma3Model.load(from: Self.tinyURL)
        let reference = try DecoderReference.load("gemma3-tiny")
        let sequences = reference.sequences.map(\.ids)
        let together = model.hiddenStates(PackedBatch(sequences: sequences))
        let batch = PackedBatch(sequences: sequences)
        for (index, ids) in sequences.enumerated() {
            let alone = model.hiddenStates(PackedBatch(sequences: [ids]))
            for layer in [1, 5, 7] {
                let rows = together[layer].selectingRows(Array(batch.rows(of: index)))
                let difference = rows.scalars.withUnsafeBufferPointer { a in alone[layer].scalars.withUnsafeBufferPointer { relativeDifference(a, $0) } }
                #expect(difference < 1e-6, "sequence \(index) layer \(layer): \(difference)")
            }
        }
    }

    @Test("logits for chosen rows and vocabulary entries equal those columns of the full head")
    func chosenLogits() throws {
        let model = try Gemma3Model.load(from: Self.tinyURL)
        let ids = try DecoderReference.load("gemma3-tiny").sequences[4].ids
        let last = model.hiddenStates(PackedBatch(sequences: [ids])).last!
        let full = model.logits(last)!
        let chosen = model.logits(last, rows: [ids.count - 1, 0], vocabulary: [7, 3, 250])!
        #expect(chosen.shape == [2, 3])
        for (i, row) in [ids.count - 1, 0].enumerated() {
            for (j, entry) in [7, 3, 250].enumerated() { #expect(abs(chosen[i, j] - full[row, entry]) < 1e-5) }
        }
    }

    @Test("the real Gemma 3 270M: every hidden state and the agreement logits at the last position match transformers")
    func real() throws {
        guard FileManager.default.fileExists(atPath: Self.realURL.path) else {
            Issue.record("Gemma 3 270M is not installed at \(Self.realURL.path): run scripts/setup")
            return
        }
        let model = try Gemma3Model.load(from: Self.realURL)
        #expect(model.config.layerCount == 18 && model.config.hiddenSize == 640 && model.config.vocabularySize == 262_144)
        let reference = try DecoderReference.load("gemma3-270m")
        let vocabulary = try #require(reference.vocabulary)
        for sequence in reference.sequences {
            let states = model.hiddenStates(PackedBatch(sequences: [sequence.ids]))
            let last = sequence.ids.count - 1
            let expected = try reference.array(sequence, "last")
            #expect(expected.shape == [reference.numHiddenStates, reference.hiddenSize])
            for (index, state) in states.enumerated() {
                let ours = state.row(last), theirs = expected.row(index)
                let difference = ours.withUnsafeBufferPointer { o in theirs.withUnsafeBufferPointer { relativeDifference(o, $0) } }
                #expect(difference < 1e-4, "\(sequence.id) hidden state \(index): \(difference)")
            }
            let logits = model.logits(states[states.count - 1], rows: [last], vocabulary: vocabulary)!
            let expectedLogits = try reference.array(sequence, "logits")
            for j in vocabulary.indices {
                #expect(abs(logits[0, j] - expectedLogits[0, j]) < 2e-3, "\(sequence.id) logit \(j): \(logits[0, j]) vs \(expectedLogits[0, j])")
            }
            if sequence.text == "The keys to the cabinet" { #expect(logits[0, 1] > logits[0, 0] + 1, "are vs is: \(logits.scalars)") }
        }
    }
}
