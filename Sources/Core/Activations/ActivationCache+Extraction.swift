import Foundation
import Corpora
import Kernels
import Models
import Storage
import Support

/// What to extract: a model (a Hugging Face folder or a GGUF file), treebank files, hidden states,
/// aggregation and storage type.
public struct ExtractionRequest: Sendable {
    /// The model's folder or file (see ``ModelSource``).
    public var modelFolder: URL
    public var corpusFiles: [URL]
    /// Hidden-state indices (0 = embeddings); nil means all of them.
    public var layers: [Int]?
    /// Where the layers are read: the residual stream (hidden states) or each block's MLP units.
    public var site: SiteKind
    /// nil: the model's default (``ModelSource/defaultAggregation``: mean for encoders, last subword for causal models).
    public var aggregation: WordAggregation?
    public var dtype: NumpyArrayFile.ScalarType
    /// Cache vectors with NaN or infinite values instead of refusing them (``NonFiniteActivationError``).
    public var allowNonFinite: Bool

    public init(modelFolder: URL, corpusFiles: [URL], layers: [Int]? = nil, site: SiteKind = .residual,
                aggregation: WordAggregation? = nil, dtype: NumpyArrayFile.ScalarType = .float32, allowNonFinite: Bool = false) {
        self.allowNonFinite = allowNonFinite
        self.site = site
        self.modelFolder = modelFolder
        self.corpusFiles = corpusFiles
        self.layers = layers
        self.aggregation = aggregation
        self.dtype = dtype
    }
}

/// The pipeline that fills the activation cache: the model and its tokenizer, the treebanks, the
/// extractor and the `.npy` sink. The cache itself (Storage) only keys, locks and verifies entries.
extension ActivationCache {
    /// Where a request's extraction lives, and what its key was made from.
    public struct Target: Sendable {
        public var url: URL
        public var key: String
        public var source: ModelSource
        public var layers: [Int]
        public var aggregation: WordAggregation
        public var modelHash: String
        public var corpusHashes: [String]
    }

    /// The cache folder a request maps to (whether or not it exists yet).
    public func directory(for request: ExtractionRequest) throws -> Target {
        let source = try ModelSource(url: request.modelFolder)
        let shape = try source.shape()
        let layerCount = shape.layerCount
        if request.site == .cell && !shape.isRecurrent {
            throw CheckpointError.unsupportedSetting(source.url, key: "site", value: "cell (only a recurrent model has cell states)")
        }
        let valid = request.site.layers(layerCount: layerCount)
        let layers = request.layers ?? Array(valid)
        for layer in layers where !valid.contains(layer) {
            let what = request.site == .residual ? "hidden states" : request.site == .mlp ? "MLP sites in blocks" : "cell states in blocks"
            throw CheckpointError.unsupportedSetting(source.url, key: "layer", value: "\(layer) (the model has \(what) \(valid.lowerBound)...\(valid.upperBound))")
        }
        let aggregation = request.aggregation ?? source.defaultAggregation
        let modelHash = try source.contentHash()
        var corpusHashes: [String] = []
        for url in request.corpusFiles {
            try CoNLLUReader.checkFile(url)   // before the model loads: /dev/null or a folder is named at once
            corpusHashes.append(try ContentHash.ofFile(url))
        }
        let key = ContentHash.combine(["activations-v\(ActivationManifest.currentFormat)", modelHash] + corpusHashes
            + [layers.map(String.init).joined(separator: ","), aggregation.rawValue, request.dtype.rawValue]
            + (request.site == .residual ? [] : ["site=\(request.site.rawValue)"])
            + (request.allowNonFinite ? ["allow-non-finite"] : []))
        return Target(url: root.appendingPathComponent(source.name + "-" + key, isDirectory: true), key: key, source: source,
                      layers: layers, aggregation: aggregation, modelHash: modelHash, corpusHashes: corpusHashes)
    }

    /// The cached activations for a request, built now if absent or corrupted (see
    /// ``entry(at:reusing:shouldStop:log:building:)`` for how processes share the work).
    ///
    /// - Parameters:
    ///   - log: one-line messages (reuse, rebuild, waiting, skipped sentences).
    ///   - showProgress: draw a progress bar on standard error while extracting.
    ///   - shouldStop: polled between batches and while waiting (default: Ctrl-C was pressed);
    ///     stopping removes the partial folder and throws `CancellationError`.
    public func activations(for request: ExtractionRequest, showProgress: Bool = true,
                            shouldStop: () -> Bool = { Interruption.requested },
                            log: (String) -> Void = { _ in }) throws -> ActivationStore {
        let target = try directory(for: request)
        return try entry(at: target.url, reusing: { widerStore(for: request, target: target) }, shouldStop: shouldStop, log: log) { partial in
            try build(request, target: target, into: partial, showProgress: showProgress, shouldStop: shouldStop, log: log)
        }
    }

    /// A cached extraction of the same model and corpus with more layers than asked for, if any
    /// (a study of layer 4 reads the cache a study of layers 2, 4, 6 wrote).
    func widerStore(for request: ExtractionRequest, target: Target) -> ActivationStore? {
        firstStore(named: target.source.name + "-") { manifest in
            manifest.model.contentHash == target.modelHash
                && manifest.corpus.map(\.contentHash) == target.corpusHashes
                && manifest.aggregation == target.aggregation && manifest.dtype == request.dtype
                && (manifest.site ?? .residual) == request.site
                && (manifest.allowsNonFinite ?? false) == request.allowNonFinite
                && Set(target.layers).isSubset(of: manifest.layers)
        }
    }

    private func build(_ request: ExtractionRequest, target: Target,
                       into folder: URL, showProgress: Bool, shouldStop: () -> Bool, log: (String) -> Void) throws {
        let started = Date()
        let (encoder, tokenizer) = try target.source.load()
        let files = try request.corpusFiles.map { try CoNLLUReader.read($0) }

        var sentences: [TokenizedSentence] = [], firstRows: [Int] = [], entries: [ActivationManifest.Sentence] = []
        var skipped: [ActivationManifest.SkippedSentence] = []
        var wordsTSV = ""
        var rows = 0
        for (fileIndex, file) in files.enumerated() {
            for sentence in file.sentences {
                let tokenized = TokenizedSentence(fileIndex: fileIndex, id: sentence.id,
                                                  words: sentence.words.map(\.form), tokenizer: tokenizer)
                guard tokenized.ids.count <= encoder.maxSequenceLength else {
                    skipped.append(.init(file: fileIndex, id: sentence.id, tokenCount: tokenized.ids.count,
                                         reason: "longer than the model's \(encoder.maxSequenceLength) tokens"))
                    continue
                }
                sentences.append(tokenized)
                firstRows.append(rows)
                entries.append(.init(file: fileIndex, id: sentence.id, firstRow: rows,
                                     wordCount: sentence.words.count, tokenCount: tokenized.ids.count))
                for word in sentence.words { wordsTSV += "\(sentence.id)\t\(word.id)\t\(word.form)\n" }
                rows += sentence.words.count
            }
        }
        if !skipped.isEmpty { log("skipped \(skipped.count) sentence(s) longer than \(encoder.maxSequenceLength) tokens") }
        let substituted = sentences.reduce(0) { $0 + $1.substitutedWords }
        if substituted > 0 { log("\(substituted) word(s) had no token; the unknown token stands in for them") }

        let width = request.site.width(in: encoder)
        var sink = try LayerFileSink(folder: folder, layers: target.layers, rows: rows, width: width, type: request.dtype)
        var extractor = WordActivationExtractor(encoder: encoder, layers: target.layers, site: request.site, aggregation: target.aggregation)
        extractor.fileNames = files.map(\.url.path)
        extractor.largestMagnitude = request.allowNonFinite ? nil
            : request.dtype == .float16 ? Float(Float16.greatestFiniteMagnitude) : .greatestFiniteMagnitude
        let totalTokens = sentences.reduce(0) { $0 + $1.ids.count }
        let bar = ProgressBar("extracting", total: sentences.count, unit: "sentences", throughputUnit: "tokens",
                              throughputTotal: totalTokens, quiet: !showProgress)
        Interruption.install()
        try extractor.extract(sentences, firstRows: firstRows, into: &sink, shouldStop: shouldStop) { done, tokens in
            bar.advance(by: done, throughput: tokens)
        }
        bar.finish()
        let arrays = try sink.finish()
        let wordsURL = folder.appendingPathComponent("words.tsv")
        let wordsData = Data(wordsTSV.utf8)
        try wordsData.write(to: wordsURL)
        let seconds = Date().timeIntervalSince(started)

        let manifest = ActivationManifest(
            format: ActivationManifest.currentFormat, key: target.key,
            model: .init(path: target.source.url.path, name: target.source.name,
                         contentHash: target.modelHash, modelType: encoder.architecture,
                         hiddenSize: width, hiddenStateCount: encoder.hiddenStateCount),
            corpus: files.enumerated().map { index, file in
                .init(path: file.url.path, name: file.name, contentHash: target.corpusHashes[index],
                      sentenceCount: file.sentences.count, wordCount: file.wordCount)
            },
            layers: target.layers, site: request.site, rowWidth: width, aggregation: target.aggregation, dtype: request.dtype, rowCount: rows,
            sentences: entries, skipped: skipped, substitutedWords: substituted, arrays: arrays,
            wordsFile: .init(layer: -1, file: "words.tsv", byteCount: wordsData.count,
                             contentHash: wordsData.withUnsafeBytes { ContentHash.hex(ContentHash.xxh64($0)) }),
            provenance: .init(created: ISO8601DateFormatter().string(from: Date()), tool: BuildInfo.tool,
                              seconds: seconds, tokenCount: totalTokens, tokensPerSecond: Double(totalTokens) / max(seconds, 1e-9)),
            allowsNonFinite: request.allowNonFinite ? true : nil)
        let encoderJSON = JSONEncoder()
        encoderJSON.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoderJSON.encode(manifest).write(to: folder.appendingPathComponent("manifest.json"))
    }
}

/// Streams word vectors into one `.npy` file per layer (`layer-NN.npy`).
public struct LayerFileSink: WordActivationSink {
    let writers: [NumpyArrayWriter]
    let layers: [Int]

    public init(folder: URL, layers: [Int], rows: Int, width: Int, type: NumpyArrayFile.ScalarType) throws {
        self.layers = layers
        writers = try layers.map { layer in
            try NumpyArrayWriter(url: folder.appendingPathComponent(String(format: "layer-%02d.npy", layer)),
                                 rows: rows, width: width, type: type)
        }
    }

    public mutating func write(layerSlot: Int, firstRow: Int, vectors: UnsafeBufferPointer<Float>) throws {
        try writers[layerSlot].write(firstRow: firstRow, vectors)
    }

    /// Closes every file and describes it for the manifest: one file's hash is computed while
    /// another's `fsync` waits on the disk.
    public func finish() throws -> [ActivationManifest.LayerArray] {
        let writers = writers, layers = layers
        return try Parallel.map(writers.count) { slot -> Result<ActivationManifest.LayerArray, Error> in
            Result {
                let writer = writers[slot]
                try writer.close()
                let (hash, byteCount) = try ContentHash.ofFileWithSize(writer.url)
                return .init(layer: layers[slot], file: writer.url.lastPathComponent, byteCount: byteCount,
                             contentHash: ContentHash.hex(hash))
            }
        }.map { try $0.get() }
    }
}
