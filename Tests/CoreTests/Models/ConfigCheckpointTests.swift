import Foundation
import Testing
@testable import Models
@testable import Storage
@testable import Analysis

/// Config sizes that cannot match the checkpoint are refused before anything is allocated, naming
/// the file and the key (issue 19, case 3).
@Suite("Config sizes against the checkpoint")
struct ConfigCheckpointTests {
    /// The error loading (and planning from) the folder after `key` is set to `raw` JSON text.
    func configError(_ key: String, _ raw: String, model: String = "bert-cased-tiny") throws -> String {
        let folder = try HostileFiles.scratchModel(model)
        defer { try? FileManager.default.removeItem(at: folder) }
        try HostileFiles.setConfig(folder, key: key, rawValue: raw)
        let shape = #expect(throws: CheckpointError.self) { try ModelSource.huggingFace(folder: folder).shape() }
        let load = #expect(throws: CheckpointError.self) { try TransformerEncoder.load(from: folder) }
        #expect(shape == load)
        let text = load?.description ?? ""
        #expect(text.hasPrefix(folder.appendingPathComponent("config.json").path + ": "), "\(text)")
        return text
    }

    @Test("absurd sizes name config.json, the key and what the checkpoint holds", arguments: [
        ("num_hidden_layers", "1e12", "num_hidden_layers = 1000000000000 does not match model.safetensors, which holds 2 encoder layers (0…1)"),
        ("num_hidden_layers", "3", "num_hidden_layers = 3 does not match model.safetensors, which holds 2 encoder layers (0…1)"),
        ("hidden_size", "1099511627776", "hidden_size = 1099511627776 does not match model.safetensors, whose embeddings.word_embeddings.weight has 16 columns"),
        ("intermediate_size", "1000000000", "intermediate_size = 1000000000 does not match model.safetensors, whose encoder.layer.0.intermediate.dense.weight has 64 rows"),
        ("max_position_embeddings", "10000000000", "max_position_embeddings = 10000000000 does not match model.safetensors, whose embeddings.position_embeddings.weight has 64 rows"),
        ("vocab_size", "100000000000", "vocab_size = 100000000000 does not match model.safetensors, whose embeddings.word_embeddings.weight has 2000 rows"),
        ("type_vocab_size", "0", "type_vocab_size must be positive, got 0"),
        ("num_attention_heads", "3", "hidden_size 16 is not a multiple of num_attention_heads 3"),
        ("num_attention_heads", "1000000000000", "hidden_size 16 is not a multiple of num_attention_heads 1000000000000"),
        ("layer_norm_eps", "-1", "layer_norm_eps must be a non-negative number, got -1.0"),
    ])
    func absurdSizes(key: String, raw: String, message: String) throws {
        let text = try configError(key, raw)
        #expect(text.hasSuffix(": " + message), "\(text)")
    }

    @Test("a size that is valid JSON but not an integer names the key and the value", arguments: [
        ("hidden_size", "16.5", "key hidden_size must be an integer, got 16.5"),
        ("num_hidden_layers", "1e30", "key num_hidden_layers must be an integer, got 1e+30"),
        ("pad_token_id", "0.25", "key pad_token_id must be an integer, got 0.25"),
    ])
    func nonIntegerSize(key: String, raw: String, message: String) throws {
        let text = try configError(key, raw)
        #expect(text.hasSuffix(": " + message), "\(text)")
        #expect(!text.contains("not valid JSON"), "\(text)")
    }

    @Test("a RoBERTa pad_token_id that leaves no positions is refused")
    func robertaPadding() throws {
        for raw in ["-5", "65", "100000"] {
            let text = try configError("pad_token_id", raw, model: "xlmr-tiny")
            #expect(text.contains("pad_token_id = \(raw) leaves no positions"), "\(text)")
        }
    }

    @Test("an activation cache asked for the absurd model throws instead of listing 10¹² layers")
    func cacheDirectory() throws {
        let folder = try HostileFiles.scratchModel()
        let scratch = try HostileFiles.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: scratch) }
        try HostileFiles.setConfig(folder, key: "num_hidden_layers", rawValue: "1e12")
        let cache = ActivationCache(root: scratch)
        let request = ExtractionRequest(modelFolder: folder, corpusFiles: [try HostileFiles.treebank(in: scratch)])
        let error = #expect(throws: CheckpointError.self) { try cache.directory(for: request) }
        #expect(error?.description.contains("num_hidden_layers") == true)
    }

    /// The error of reading the tiny Gemma GGUF with one metadata value changed.
    func ggufError(_ key: String, _ value: GGUFValue) throws -> String {
        let original = try GGUFFile(url: Fixtures.tinyGemma3)
        let bytes = GGUFRewriter.rewrite(original, metadata: { entries in
            let index = entries.firstIndex { $0.key == key }!
            entries[index].value = value
        })
        let url = try GGUFFixtures.scratchFile(bytes, name: "model.gguf")
        defer { GGUFFixtures.remove(url) }
        let shape = #expect(throws: CheckpointError.self) { try ModelSource.gguf(file: url).shape() }
        let text = shape?.description ?? ""
        #expect(text.hasPrefix(url.path + ": "), "\(text)")
        #expect(throws: CheckpointError.self) { try Gemma3Model.load(from: url) }
        return text
    }

    @Test("GGUF sizes that the tensor table does not have name the file and the key")
    func ggufSizes() throws {
        let original = try GGUFFile(url: Fixtures.tinyGemma3)
        let config = try Gemma3Config(gguf: original)
        var text = try ggufError("gemma3.block_count", .uint32(1000))
        #expect(text.hasSuffix("gemma3.block_count = 1000 does not match the tensor table, which has \(config.layerCount) blocks (blk.0…blk.\(config.layerCount - 1))"), "\(text)")
        text = try ggufError("gemma3.embedding_length", .uint32(UInt32(config.hiddenSize * 2)))
        #expect(text.contains("gemma3.embedding_length = \(config.hiddenSize * 2) does not match the tensor table, whose token_embd.weight has \(config.hiddenSize) columns"), "\(text)")
        text = try ggufError("gemma3.feed_forward_length", .uint32(1 << 20))
        #expect(text.contains("gemma3.feed_forward_length = 1048576 does not match"), "\(text)")
        text = try ggufError("gemma3.attention.head_count", .uint32(UInt32(config.headCount * 2)))
        #expect(text.contains("does not match the tensor table, whose blk.0.attn_q.weight has \(config.headCount * config.headSize) rows"), "\(text)")
        text = try ggufError("gemma3.block_count", .uint64(1 << 40))
        #expect(text.contains("block_count = 1099511627776 is outside 1…1024"), "\(text)")
    }
}
