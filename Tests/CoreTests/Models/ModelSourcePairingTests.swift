import Foundation
import Testing
@testable import Kernels
@testable import Models
@testable import Storage
@testable import Analysis

/// A tokenizer whose ids reach past the model's embedding rows is refused at load, naming both
/// files, on every model path (issue 19, case 1).
@Suite("Model and tokenizer pairing")
struct ModelSourcePairingTests {
    /// The error of loading `source` as a pair (nil when it loads).
    func pairingError(_ source: ModelSource) throws -> CheckpointError? {
        do { _ = try source.load(); return nil } catch let error as CheckpointError { return error }
    }

    @Test("the fixture models load as pairs")
    func matchingPairs() throws {
        for name in ["bert-cased-tiny", "xlmr-tiny"] {
            let (model, tokenizer) = try ModelSource.huggingFace(folder: Fixtures.url("models/\(name)")).load()
            #expect(tokenizer.idRange.upperBound < model.vocabularySize, "\(name)")
        }
        let (model, tokenizer) = try ModelSource(url: Fixtures.tinyGemma3).load()
        #expect(tokenizer.idRange == 0...(model.vocabularySize - 1))
    }

    @Test("a vocab.txt with more entries than vocab_size names vocab.txt and model.safetensors")
    func longerVocabText() throws {
        let folder = try HostileFiles.scratchModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("tokenizer.json"))
        let vocab = folder.appendingPathComponent("vocab.txt")
        let extra = (0..<40).map { "extra\($0)" }.joined(separator: "\n") + "\n"
        try (try Data(contentsOf: vocab) + Data(extra.utf8)).write(to: vocab)
        let error = try #require(try pairingError(.huggingFace(folder: folder)))
        #expect(error == .vocabularyMismatch(tokenizer: vocab, ids: 0...2039, weights: folder.appendingPathComponent("model.safetensors"), rows: 2000))
        #expect(error.description.contains("vocab.txt: the tokenizer can produce token id 2039"), "\(error)")
        #expect(error.description.contains("model.safetensors has 2000 rows"), "\(error)")
    }

    @Test("a config whose vocab_size matches a cut embedding is refused against the longer tokenizer.json")
    func cutEmbedding() throws {
        let folder = try HostileFiles.scratchModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HostileFiles.rewriteWeights(folder) { tensors in
            let words = tensors["bert.embeddings.word_embeddings.weight"]!
            tensors["bert.embeddings.word_embeddings.weight"] = words.selectingRows(Array(0..<1500))
            tensors["cls.predictions.bias"] = Tensor(zeros: [1500])
        }
        try HostileFiles.editJSON(folder.appendingPathComponent("config.json")) { $0["vocab_size"] = 1500 }
        #expect(try TransformerEncoder.load(from: folder).vocabularySize == 1500)   // the model alone is consistent
        let error = try #require(try pairingError(.huggingFace(folder: folder)))
        #expect(error.description.hasPrefix(folder.appendingPathComponent("tokenizer.json").path), "\(error)")
        #expect(error.description.contains("token id 1999"), "\(error)")
        #expect(error.description.contains("1500 rows"), "\(error)")
    }

    @Test("special-token ids past the embedding (a post-processor's ids) are refused")
    func postProcessorIDs() throws {
        let folder = try HostileFiles.scratchModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Without tokenizer_config.json the pipeline is the file's own, post-processor included.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("tokenizer_config.json"))
        try HostileFiles.editJSON(folder.appendingPathComponent("tokenizer.json")) { json in
            var post = json["post_processor"] as! [String: Any]
            var specials = post["special_tokens"] as! [String: Any]
            specials["[SEP]"] = ["id": "[SEP]", "ids": [5000], "tokens": ["[SEP]"]]
            post["special_tokens"] = specials
            json["post_processor"] = post
        }
        let error = try #require(try pairingError(.huggingFace(folder: folder)))
        #expect(error.description.contains("token id 5000"), "\(error)")
        try HostileFiles.editJSON(folder.appendingPathComponent("tokenizer.json")) { json in
            var post = json["post_processor"] as! [String: Any]
            var specials = post["special_tokens"] as! [String: Any]
            specials["[SEP]"] = ["id": "[SEP]", "ids": [-3], "tokens": ["[SEP]"]]
            post["special_tokens"] = specials
            json["post_processor"] = post
        }
        let negative = try #require(try pairingError(.huggingFace(folder: folder)))
        #expect(negative.description.contains("token id -3"), "\(negative)")
    }

    @Test("extraction refuses the mismatched pair instead of caching garbage")
    func extractionRefuses() throws {
        let folder = try HostileFiles.scratchModel()
        let scratch = try HostileFiles.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: scratch) }
        try HostileFiles.editJSON(folder.appendingPathComponent("tokenizer.json")) { json in
            var added = json["added_tokens"] as! [[String: Any]]
            added.append(["id": 2000, "content": "<hostile>", "single_word": false, "lstrip": false, "rstrip": false,
                          "normalized": false, "special": true])
            json["added_tokens"] = added
        }
        let cache = ActivationCache(root: scratch.appendingPathComponent("activations"))
        let request = ExtractionRequest(modelFolder: folder, corpusFiles: [try HostileFiles.treebank(in: scratch)])
        let error = #expect(throws: CheckpointError.self) { try cache.activations(for: request, showProgress: false) }
        #expect(error?.description.contains("token id 2000") == true, "\(String(describing: error))")
    }

    @Test("a GGUF file whose tokenizer lists more tokens than token_embd has rows is refused (Gemma 3 path)")
    func ggufTokenizer() throws {
        let original = try GGUFFile(url: Fixtures.tinyGemma3)
        let rows = try Gemma3Config(gguf: original).vocabularySize
        let bytes = GGUFRewriter.rewrite(original, metadata: { entries in
            for index in entries.indices {
                guard case .array(let element, var items) = entries[index].value, items.count == rows else { continue }
                let extra: GGUFValue
                switch entries[index].key {
                case "tokenizer.ggml.tokens": extra = .string("<hostile>")
                case "tokenizer.ggml.scores": extra = .float32(0)
                case "tokenizer.ggml.token_type": extra = items[0]
                default: continue
                }
                items.append(extra)
                entries[index].value = .array(element, items)
            }
        })
        let url = try GGUFFixtures.scratchFile(bytes, name: "model.gguf")
        defer { GGUFFixtures.remove(url) }
        let source = try ModelSource(url: url)
        #expect(try source.loadTokenizer().idRange.upperBound == rows)
        let error = try #require(try pairingError(source))
        #expect(error == .vocabularyMismatch(tokenizer: url, ids: 0...rows, weights: url, rows: rows), "\(error)")
        #expect(error.description.contains("token id \(rows), but its token embedding has \(rows) rows"), "\(error)")
    }
}
