import Foundation
import Testing
@testable import Kernels
@testable import Models
@testable import Corpora
@testable import Storage
@testable import Analysis

/// A NaN weight, infinite embeddings or a negative layer_norm_eps make activations non-finite:
/// extraction names the site, file, sentence and word and caches nothing (issue 19, case 2).
@Suite("Non-finite activations")
struct NonFiniteActivationTests {
    /// A scratch model damaged by `edit`, a treebank beside it and a cache root; removed by the caller.
    struct Scratch {
        var model: URL, folder: URL, treebank: URL, cache: ActivationCache
        func remove() {
            try? FileManager.default.removeItem(at: model)
            try? FileManager.default.removeItem(at: folder)
        }
        func request(dtype: NumpyArrayFile.ScalarType = .float32, allowNonFinite: Bool = false) -> ExtractionRequest {
            ExtractionRequest(modelFolder: model, corpusFiles: [treebank], dtype: dtype, allowNonFinite: allowNonFinite)
        }
        /// Folders under the cache root (a refused extraction leaves none).
        var cached: [String] { (try? FileManager.default.contentsOfDirectory(atPath: cache.root.path)) ?? [] }
    }

    func scratch(_ edit: (inout [String: Tensor]) -> Void) throws -> Scratch {
        let model = try HostileFiles.scratchModel()
        try HostileFiles.rewriteWeights(model, edit)
        let folder = try HostileFiles.scratchFolder()
        return Scratch(model: model, folder: folder, treebank: try HostileFiles.treebank(in: folder),
                       cache: ActivationCache(root: folder.appendingPathComponent("activations")))
    }

    func extractionError(_ scratch: Scratch, _ request: ExtractionRequest) -> NonFiniteActivationError? {
        do {
            _ = try scratch.cache.activations(for: request, showProgress: false)
            Issue.record("extraction cached non-finite activations")
            return nil
        } catch let error as NonFiniteActivationError {
            return error
        } catch {
            Issue.record("unexpected error: \(error)")
            return nil
        }
    }

    @Test("one NaN weight: refused at the first hidden state after it, naming file, sentence and word; nothing cached")
    func nanWeight() throws {
        let scratch = try scratch { $0["bert.encoder.layer.0.output.dense.weight"]!.scalars[7] = .nan }
        defer { scratch.remove() }
        let error = try #require(extractionError(scratch, scratch.request()))
        #expect(error.site == .residual(1))
        #expect(error.file == scratch.treebank.path)
        #expect(["s1", "s2"].contains(error.sentenceID) && error.word == 1)
        #expect(error.value.isNaN)
        #expect(error.description.hasPrefix("\(scratch.treebank.path): sentence \(error.sentenceID), word 1: residual 1 neuron "), "\(error)")
        #expect(error.description.contains("not cached"), "\(error)")
        #expect(scratch.cached.allSatisfy { !$0.hasPrefix(scratch.model.lastPathComponent) }, "\(scratch.cached)")
    }

    @Test("all-infinite embeddings: refused at hidden state 0")
    func infiniteEmbeddings() throws {
        let scratch = try scratch { tensors in
            let words = tensors["bert.embeddings.word_embeddings.weight"]!
            tensors["bert.embeddings.word_embeddings.weight"] = Tensor(shape: words.shape, scalars: Array(repeating: .infinity, count: words.count))
        }
        defer { scratch.remove() }
        let error = try #require(extractionError(scratch, scratch.request()))
        #expect(error.site == .residual(0) && error.neuron == 0 && !error.value.isFinite, "\(error)")
    }

    @Test("a negative layer_norm_eps: the extractor refuses the NaN it makes")
    func negativeEpsilon() throws {
        let loaded = try TransformerEncoder.load(from: Fixtures.url("models/bert-cased-tiny"))
        var config = loaded.config
        config.layerNormEpsilon = -1
        let model = TransformerEncoder(config: config, embeddings: loaded.embeddings, layers: loaded.layers, head: loaded.head)
        let tokenizer = try TokenizerLoader.load(folder: Fixtures.url("models/bert-cased-tiny"))
        let sentences = [TokenizedSentence(fileIndex: 0, id: "a1", words: ["The", "cats", "sleep"], tokenizer: tokenizer)]
        var extractor = WordActivationExtractor(encoder: model, layers: [0, 2], workers: 1)
        extractor.fileNames = ["a.conllu"]
        var sink = InMemoryActivations(layerCount: 2, rows: 3, width: model.hiddenSize)
        let error = #expect(throws: NonFiniteActivationError.self) { try extractor.extract(sentences, firstRows: [0], into: &sink) }
        #expect(error?.file == "a.conllu" && error?.sentenceID == "a1" && error?.word == 1 && error?.site == .residual(0),
                "\(String(describing: error))")
        extractor.largestMagnitude = nil   // kept when asked
        try extractor.extract(sentences, firstRows: [0], into: &sink)
        #expect(sink.matrices[0].scalars.contains { $0.isNaN })
    }

    @Test("values beyond float16's range are refused for a float16 cache, kept for float32")
    func float16Overflow() throws {
        let scratch = try scratch { tensors in
            tensors["bert.embeddings.LayerNorm.weight"] = Tensor(shape: [16], scalars: Array(repeating: 1e6, count: 16))
        }
        defer { scratch.remove() }
        let error = try #require(extractionError(scratch, scratch.request(dtype: .float16)))
        #expect(error.site == .residual(0) && error.value.isFinite && error.limit == 65504, "\(error)")
        #expect(error.description.contains("beyond float16's ±65504.0; not cached (extract as float32)"), "\(error)")
        _ = try scratch.cache.activations(for: scratch.request(), showProgress: false)
    }

    @Test("--allow-non-finite caches them under its own key; probing data then refuses them, naming the cache")
    func allowedThenRefusedByProbing() throws {
        let scratch = try scratch { $0["bert.encoder.layer.1.intermediate.dense.bias"]!.scalars[3] = .nan }
        defer { scratch.remove() }
        let allowed = try scratch.cache.activations(for: scratch.request(allowNonFinite: true), showProgress: false)
        #expect(allowed.manifest.allowsNonFinite == true)
        // A default request neither shares the key nor reuses the permissive cache as a wider one.
        #expect(try scratch.cache.directory(for: scratch.request()).key != scratch.cache.directory(for: scratch.request(allowNonFinite: true)).key)
        _ = extractionError(scratch, ExtractionRequest(modelFolder: scratch.model, corpusFiles: [scratch.treebank], layers: [2]))

        let fine = try allowed.rows([0, 1], layer: 1)
        try allowed.checkFinite(fine, rows: [0, 1], layer: 1)
        let words = [AttributeExample(fileName: "tiny.conllu", sentenceID: "s1", sentenceIndex: 0, wordIndex: 1, form: "cats", label: 0),
                     AttributeExample(fileName: "tiny.conllu", sentenceID: "s2", sentenceIndex: 1, wordIndex: 1, form: "dog", label: 1)]
        let dataset = AttributeDataset(
            language: "English", attribute: .number, labels: ["PL", "SG"], train: words, dev: words, test: words, files: [scratch.treebank],
            provenance: DatasetProvenance(language: "English", attribute: .number, treebanks: [], files: ["tiny.conllu"], recipe: .original,
                                          split: "", minTypes: 1, typeUnit: "", keptValues: [], droppedValues: [], examples: SplitCounts(),
                                          wordsWithoutAttribute: SplitCounts(), wordsWithDroppedValue: SplitCounts(), conflicts: SplitCounts(),
                                          controlTask: nil))
        _ = try ProbingData.load(store: allowed, dataset: dataset, layers: [0, 1])
        let error = #expect(throws: NonFiniteActivationError.self) { try ProbingData.load(store: allowed, dataset: dataset, layers: [2]) }
        #expect(error?.site == .residual(2) && error?.file == "tiny.conllu" && error?.sentenceID == "s1" && error?.word == 2
                && error?.value.isNaN == true && error?.cache == allowed.directory, "\(String(describing: error))")
        #expect(error?.description.contains("in the cache \(allowed.directory.path); rankings and probes need finite activations") == true)
    }

    @Test("the scan finds the first NaN, infinity or value over the limit, in any lane")
    func scan() {
        for count in [1, 7, 8, 9, 31, 64] {
            for position in [0, count / 2, count - 1] {
                for bad: Float in [.nan, .infinity, -.infinity, 1e6] {
                    var values = [Float](repeating: 0.5, count: count)
                    values[position] = bad
                    let found = values.withUnsafeBufferPointer { NonFiniteActivationError.firstViolation($0, width: 4, limit: 65504) }
                    #expect(found?.row == position / 4 && found?.column == position % 4, "\(count) \(position) \(bad)")
                }
                let clean = [Float](repeating: -65504, count: count)
                #expect(clean.withUnsafeBufferPointer { NonFiniteActivationError.firstViolation($0, width: 4, limit: 65504) } == nil)
            }
        }
    }
}
