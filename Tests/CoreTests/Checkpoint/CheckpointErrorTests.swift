import Foundation
import Testing
@testable import Kernels
@testable import Models

/// Bad model folders give one clear error naming the file and key, never a crash.
@Suite("Checkpoint loading errors")
struct CheckpointErrorTests {
    /// A scratch copy of the tiny cased BERT fixture that a test may damage.
    func scratchCopy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.url("models/bert-cased-tiny"), to: folder)
        return folder
    }

    /// Rewrites the weights after `edit` changes the name → tensor map.
    func rewriteWeights(_ folder: URL, _ edit: (inout [String: Tensor]) -> Void) throws {
        let url = folder.appendingPathComponent("model.safetensors")
        let file = try SafeTensorsFile(url: url)
        var tensors: [String: Tensor] = [:]
        for name in file.entries.keys { tensors[name] = try file.tensor(name) }
        edit(&tensors)
        try SafeTensorsWriter.write(tensors, to: url)
    }

    func loadError(_ folder: URL) -> CheckpointError? {
        do { _ = try TransformerEncoder.load(from: folder); return nil } catch let error as CheckpointError { return error } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test("a missing folder names the path")
    func missingFolder() {
        let url = URL(fileURLWithPath: "/nonexistent/model")
        #expect(loadError(url) == .missingFile(url))
        #expect(loadError(url)?.description.contains("/nonexistent/model") == true)
    }

    @Test("a missing weight is named")
    func missingWeight() throws {
        let folder = try scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try rewriteWeights(folder) { $0["bert.encoder.layer.1.output.dense.weight"] = nil }
        let error = try #require(loadError(folder))
        #expect(error.description.contains("missing weights: bert.encoder.layer.1.output.dense.weight"), "\(error)")
    }

    @Test("an unexpected weight is named")
    func unexpectedWeight() throws {
        let folder = try scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try rewriteWeights(folder) { $0["bert.encoder.adapter.weight"] = Tensor(zeros: [2]) }
        let error = try #require(loadError(folder))
        #expect(error == .unexpectedWeights(folder, keys: ["bert.encoder.adapter.weight"]), "\(error)")
    }

    @Test("a weight of the wrong shape is named with both shapes")
    func wrongShape() throws {
        let folder = try scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try rewriteWeights(folder) { $0["bert.embeddings.LayerNorm.weight"] = Tensor(zeros: [15]) }
        let error = try #require(loadError(folder))
        #expect(error == .wrongShape(folder, tensor: "bert.embeddings.LayerNorm.weight", expected: [16], found: [15]), "\(error)")
    }

    @Test("a truncated weights file is an error, not a crash")
    func truncatedWeights() throws {
        let folder = try scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
        let error = try #require(loadError(folder))
        #expect(error.description.contains("model.safetensors"), "\(error)")
    }

    @Test("malformed configs name the file and the key", arguments: [
        ("{ not json", "not valid JSON"),
        (#"{"model_type": "bert", "vocab_size": 10}"#, "missing key \"hidden_size\""),
        (#"{"model_type": "bert", "vocab_size": "many", "hidden_size": 4}"#, "vocab_size"),
        (#"{"model_type": "gpt2", "vocab_size": 10, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 4}"#, "model_type 'gpt2' is not supported"),
        (#"{"model_type": "gemma3_text", "vocab_size": 262144, "num_hidden_layers": 18}"#, "model_type 'gemma3_text' is not supported"),
        (#"{"model_type": "bert", "vocab_size": 10, "hidden_size": 6, "num_hidden_layers": 1, "num_attention_heads": 4, "intermediate_size": 4}"#, "not a multiple"),
        (#"{"model_type": "bert", "vocab_size": 10, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 4, "position_embedding_type": "relative_key"}"#, "position_embedding_type"),
    ])
    func malformedConfig(config: String, message: String) throws {
        let folder = try scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let error = try #require(loadError(folder))
        #expect(error.description.contains("config.json"), "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("a config without model_type is read by its architectures entry")
    func modelTypeFromArchitectures() throws {
        let folder = try scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("config.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        json["model_type"] = nil
        json["architectures"] = ["BertForMaskedLM"]
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        #expect(try EncoderConfig.load(from: url).modelType == "bert")
        #expect(EncoderConfig.modelType(ofArchitecture: "XLMRobertaForMaskedLM") == "xlm-roberta")
        #expect(EncoderConfig.modelType(ofArchitecture: "GPT2LMHeadModel") == nil)
        json["architectures"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let error = try #require(loadError(folder))
        #expect(error.description.contains("missing key \"model_type\""), "\(error)")
    }

    @Test("a PyTorch pickle checkpoint says how to convert it")
    func pickleOnly() throws {
        let folder = try scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
        try Data([0x50, 0x4B]).write(to: folder.appendingPathComponent("pytorch_model.bin"))
        let error = try #require(loadError(folder))
        #expect(error.description.contains("safe_serialization"), "\(error)")
    }
}
