import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Models
@testable import Corpora
@testable import Storage
@testable import Analysis

@Suite("Activation cache")
struct ActivationCacheTests {
    /// A small self-made treebank (not from UD) with a multiword token, an empty node and a long word.
    static let conllu = """
        # sent_id = a1
        # text = The cats sleep.
        1\tThe\tthe\tDET\t_\t_\t2\tdet\t_\t_
        2\tcats\tcat\tNOUN\t_\tNumber=Plur\t3\tnsubj\t_\t_
        3\tsleep\tsleep\tVERB\t_\t_\t0\troot\t_\t_
        4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_

        # sent_id = a2
        # text = Ils l'ont vu au marché.
        1\tIls\til\tPRON\t_\t_\t3\tnsubj\t_\t_
        2\tl'\tle\tPRON\t_\t_\t3\tobj\t_\t_
        3\tont\tavoir\tAUX\t_\t_\t4\taux\t_\t_
        4\tvu\tvoir\tVERB\t_\t_\t0\troot\t_\t_
        5-6\tau\t_\t_\t_\t_\t_\t_\t_\t_
        5\tà\tà\tADP\t_\t_\t7\tcase\t_\t_
        6\tle\tle\tDET\t_\t_\t7\tdet\t_\t_
        6.1\tvu\tvoir\tVERB\t_\t_\t_\t_\t_\t_
        7\tmarché\tmarché\tNOUN\t_\t_\t4\tobl\t_\t_
        8\t.\t.\tPUNCT\t_\t_\t4\tpunct\t_\t_


        """

    struct Scratch {
        let folder: URL
        let treebank: URL
        var cache: ActivationCache { ActivationCache(root: folder.appendingPathComponent("cache")) }
        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            treebank = folder.appendingPathComponent("tiny.conllu")
            try Data(ActivationCacheTests.conllu.utf8).write(to: treebank)
        }
        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    func request(_ scratch: Scratch, layers: [Int]? = [0, 2], dtype: NumpyArrayFile.ScalarType = .float32,
                 aggregation: WordAggregation = .mean) -> ExtractionRequest {
        ExtractionRequest(modelFolder: Fixtures.url("models/bert-cased-tiny"), corpusFiles: [scratch.treebank],
                          layers: layers, aggregation: aggregation, dtype: dtype)
    }

    @Test("an extraction is cached, aligned by sentence, and equals the model's own word means")
    func buildAndAlign() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.cache.activations(for: request(scratch), showProgress: false)
        #expect(store.rowCount == 12)
        #expect(store.firstRow(fileName: "tiny.conllu", sentenceID: "a1") == 0)
        #expect(store.firstRow(fileName: "tiny.conllu", sentenceID: "a2") == 4)
        #expect(try store.words().map(\.form) == ["The", "cats", "sleep", ".", "Ils", "l'", "ont", "vu", "à", "le", "marché", "."])

        // Recompute sentence a1 directly: the cached row of "cats" is the mean of its subword states.
        let model = try TransformerEncoder.load(from: Fixtures.url("models/bert-cased-tiny"))
        let tokenizer = try TokenizerLoader.load(folder: Fixtures.url("models/bert-cased-tiny"))
        let sentence = TokenizedSentence(fileIndex: 0, id: "a1", words: ["The", "cats", "sleep", "."], tokenizer: tokenizer)
        let states = model.hiddenStates(PackedBatch(sequences: [sentence.ids]))
        let span = sentence.wordSpans[1]
        let cached = try store.rows([1], layer: 2)
        for j in 0..<model.config.hiddenSize {
            let mean = span.map { states[2][$0, j] }.reduce(0, +) / Float(span.count)
            #expect(abs(cached[0, j] - mean) < 1e-5)
        }
    }

    @Test("the cache holds MLP units too, under their own key: each row is the word's mean of the block's inner activation")
    func mlpSite() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for (location, aggregation) in [(Fixtures.url("models/bert-cased-tiny"), WordAggregation.mean),
                                        (Fixtures.tinyGemma3, .last)] {
            let source = try ModelSource(url: location)
            let residual = ExtractionRequest(modelFolder: location, corpusFiles: [scratch.treebank], layers: [1])
            let mlp = ExtractionRequest(modelFolder: location, corpusFiles: [scratch.treebank], layers: [1], site: .mlp)
            #expect(try scratch.cache.directory(for: residual).url != scratch.cache.directory(for: mlp).url)
            #expect(try scratch.cache.directory(for: residual).aggregation == aggregation)
            let store = try scratch.cache.activations(for: mlp, showProgress: false)
            let model = try source.loadModel()
            #expect(store.width == model.mlpSize && store.manifest.site == .mlp)
            let sentence = TokenizedSentence(fileIndex: 0, id: "a1", words: ["The", "cats", "sleep", "."], tokenizer: try source.loadTokenizer())
            var inner = Tensor(zeros: [0])
            model.run(PackedBatch(sequences: [sentence.ids]), upTo: 1, visitInner: true) { site, state in if site == .mlp(1) { inner = state } }
            let span = sentence.wordSpans[1]
            let cached = try store.rows([1], layer: 1)
            for j in 0..<model.mlpSize {
                let expected = aggregation == .last ? inner[span.upperBound - 1, j] : span.map { inner[$0, j] }.reduce(0, +) / Float(span.count)
                #expect(abs(cached[0, j] - expected) < 1e-4 * max(1, abs(expected)), "\(source.name) unit \(j)")
            }
            // No MLP before the first block.
            let zero = ExtractionRequest(modelFolder: location, corpusFiles: [scratch.treebank], layers: [0], site: .mlp)
            #expect { try scratch.cache.directory(for: zero) } throws: { "\($0)".contains("MLP sites in blocks 1...") }
        }
    }

    @Test("a second request reuses the cache without recomputing")
    func reuse() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let first = try scratch.cache.activations(for: request(scratch), showProgress: false)
        var messages: [String] = []
        let second = try scratch.cache.activations(for: request(scratch), showProgress: false, log: { messages.append($0) })
        #expect(second.directory == first.directory)
        #expect(messages.contains { $0.hasPrefix("reusing") })
        #expect(second.manifest.provenance.created == first.manifest.provenance.created)
    }

    @Test("different settings or corpus bytes get a different cache entry")
    func keys() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let base = try scratch.cache.directory(for: request(scratch)).url
        #expect(try scratch.cache.directory(for: request(scratch, layers: [1])).url != base)
        #expect(try scratch.cache.directory(for: request(scratch, dtype: .float16)).url != base)
        #expect(try scratch.cache.directory(for: request(scratch, aggregation: .first)).url != base)
        try Data((Self.conllu + "\n").utf8).write(to: scratch.treebank)
        #expect(try scratch.cache.directory(for: request(scratch)).url != base)
    }

    @Test("a corrupted or truncated array is detected and rebuilt", arguments: ["flip", "truncate", "manifest"])
    func corruption(kind: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let original = try scratch.cache.activations(for: request(scratch), showProgress: false)
        let expected = try original.matrix(layer: 2)
        let array = original.directory.appendingPathComponent("layer-02.npy")
        var data = try Data(contentsOf: array)
        switch kind {
        case "flip": data[data.count - 3] ^= 0xFF; try data.write(to: array)
        case "truncate": try data.prefix(data.count - 64).write(to: array)
        default: try Data("{".utf8).write(to: original.directory.appendingPathComponent("manifest.json"))
        }
        #expect(throws: CacheError.self) { try ActivationStore(directory: original.directory) }
        var messages: [String] = []
        let rebuilt = try scratch.cache.activations(for: request(scratch), showProgress: false, log: { messages.append($0) })
        #expect(messages.contains { $0.hasPrefix("rebuilding") })
        #expect(try rebuilt.matrix(layer: 2) == expected)
    }

    @Test("float16 caches hold the float32 values to half precision")
    func float16() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let full = try scratch.cache.activations(for: request(scratch), showProgress: false).matrix(layer: 2)
        let half = try scratch.cache.activations(for: request(scratch, dtype: .float16), showProgress: false).matrix(layer: 2)
        #expect(full.maxAbsoluteDifference(half) < 4e-3)
    }

    @Test("a partial folder left by a killed run is removed, never read")
    func abandonedPartial() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let target = try scratch.cache.directory(for: request(scratch)).url
        let partial = scratch.cache.root.appendingPathComponent(target.lastPathComponent + ".partial-999999")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        _ = try scratch.cache.activations(for: request(scratch), showProgress: false)
        #expect(!FileManager.default.fileExists(atPath: partial.path))
    }

    @Test("export writes NumPy arrays, words.tsv and the manifest")
    func export() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try scratch.cache.activations(for: request(scratch), showProgress: false)
        let folder = scratch.folder.appendingPathComponent("export")
        try store.export(to: folder)
        #expect(try NumpyArrayFile.read(folder.appendingPathComponent("layer-00.npy")) == store.matrix(layer: 0))
        let words = try String(contentsOf: folder.appendingPathComponent("words.tsv"), encoding: .utf8)
        #expect(words.hasPrefix("a1\t1\tThe\na1\t2\tcats\n"))
    }

    @Test("an interrupted extraction leaves nothing behind")
    func interrupted() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        #expect(throws: CancellationError.self) {
            try scratch.cache.activations(for: request(scratch), showProgress: false, shouldStop: { true })
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.cache.root.path)
        #expect(left.isEmpty, "\(left)")
    }

    @Test("layers beyond the model are refused before any work")
    func badLayer() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        #expect(throws: CheckpointError.self) { try scratch.cache.directory(for: request(scratch, layers: [3])) }
    }

    @Test("a treebank path that does not exist is named as a missing file")
    func missingTreebank() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let absent = scratch.folder.appendingPathComponent("absent.conllu")
        var missing = request(scratch)
        missing.corpusFiles = [absent]
        let error = #expect(throws: CoNLLUError.self) { try scratch.cache.directory(for: missing) }
        #expect(error?.description == "\(absent.path): cannot read CoNLL-U file: no such file")
    }
}
