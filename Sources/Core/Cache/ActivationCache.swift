import Foundation
import Corpora
import Models
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

/// The content-addressed store of word activations on disk.
///
/// An extraction lives in `root/<model>-<key>/` where the key hashes the model's files, the corpus
/// files' bytes, the layers, the aggregation and the dtype. A folder appears only complete (built
/// under a `.partial-<pid>` name, then renamed), and is verified by size and hash whenever opened.
/// One process builds an entry at a time (``EntryLock`` on `<entry>.lock`); the others wait and adopt it.
public struct ActivationCache: Sendable {
    public var root: URL

    public init(root: URL = ActivationCache.defaultRoot) { self.root = root }

    /// `$NEURON_CACHE/activations`, else `~/.cache/neuron-workbench/activations`.
    public static var defaultRoot: URL {
        if let path = ProcessInfo.processInfo.environment["NEURON_CACHE"] {
            return URL(fileURLWithPath: path, isDirectory: true).appendingPathComponent("activations", isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/neuron-workbench/activations", isDirectory: true)
    }

    /// Creates a folder (and its parents), or says which one could not be made and why.
    static func makeFolder(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw CacheError.cannotWrite(url, reason: ErrorMessage.reason(error))
        }
    }

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

    /// The cached activations for a request, built now if absent or corrupted.
    ///
    /// Processes that need the same entry at once build it once: the builder holds the entry's
    /// ``EntryLock``; the others say they are waiting, then read what it wrote.
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
        if let store = try finished(target, removeDamaged: false, log: log) { return store }
        if let wider = widerStore(for: request, target: target) { return reusing(wider, log: log) }
        try Self.makeFolder(root)
        let lock = try EntryLock.acquire(for: target.url, waiting: log, shouldStop: shouldStop)
        defer { lock.release() }
        // Another process may have built it while this one waited.
        if let store = try finished(target, removeDamaged: true, log: log) { return store }
        if let wider = widerStore(for: request, target: target) { return reusing(wider, log: log) }
        removeAbandonedPartials(building: target.url.lastPathComponent)
        let partial = root.appendingPathComponent(target.url.lastPathComponent + ".partial-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: partial)
        try Self.makeFolder(partial)
        do {
            try build(request, target: target, into: partial, showProgress: showProgress, shouldStop: shouldStop, log: log)
            do { try FileManager.default.moveItem(at: partial, to: target.url) } catch {
                throw CacheError.cannotWrite(target.url, reason: ErrorMessage.reason(error))
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return try ActivationStore(directory: target.url)
    }

    /// The finished entry of a target, if there is one that verifies. A damaged one is removed
    /// only by the holder of the entry's lock (`removeDamaged`), which then rebuilds it.
    private func finished(_ target: Target, removeDamaged: Bool, log: (String) -> Void) throws -> ActivationStore? {
        guard FileManager.default.fileExists(atPath: target.url.path) else { return nil }
        do {
            let store = try ActivationStore(directory: target.url)
            log("reusing cached activations \(target.url.path)")
            return store
        } catch {
            guard removeDamaged else { return nil }
            log("rebuilding: \(error)")
            try FileManager.default.removeItem(at: target.url)
            return nil
        }
    }

    private func reusing(_ wider: ActivationStore, log: (String) -> Void) -> ActivationStore {
        log("reusing cached activations \(wider.directory.path) (layers \(wider.manifest.layers.map(String.init).joined(separator: ",")))")
        return wider
    }

    /// A cached extraction of the same model and corpus with more layers than asked for, if any
    /// (a study of layer 4 reads the cache a study of layers 2, 4, 6 wrote).
    func widerStore(for request: ExtractionRequest, target: Target) -> ActivationStore? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return nil }
        let prefix = target.source.name + "-"
        for name in names.sorted() where name.hasPrefix(prefix) && !name.contains(".partial-") && !EntryLock.isLockFile(name) {
            let folder = root.appendingPathComponent(name, isDirectory: true)
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
                  let manifest = try? JSONDecoder().decode(ActivationManifest.self, from: data),
                  manifest.format == ActivationManifest.currentFormat,
                  manifest.model.contentHash == target.modelHash,
                  manifest.corpus.map(\.contentHash) == target.corpusHashes,
                  manifest.aggregation == target.aggregation, manifest.dtype == request.dtype,
                  (manifest.site ?? .residual) == request.site,
                  (manifest.allowsNonFinite ?? false) == request.allowNonFinite,
                  Set(target.layers).isSubset(of: manifest.layers) else { continue }
            if let store = try? ActivationStore(directory: folder) { return store }
        }
        return nil
    }

    /// Deletes `.partial-<pid>` folders that nobody is building any more (a crash or kill -9
    /// mid-extraction): those of the entry this process holds the lock of, and those whose entry's
    /// lock is free and whose process is gone. A builder on another machine of a shared file system
    /// holds its entry's lock, so its folder is kept whatever its pid means here.
    func removeAbandonedPartials(building entry: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return }
        for name in names {
            guard let range = name.range(of: ".partial-"), let pid = Int32(name[range.upperBound...]) else { continue }
            let owner = String(name[..<range.lowerBound])
            let abandoned: Bool
            if owner == entry {
                abandoned = true
            } else if pid != getpid() && kill(pid, 0) == 0 {
                abandoned = false
            } else if let lock = try? EntryLock.attempt(for: root.appendingPathComponent(owner, isDirectory: true)) {
                lock.release()
                abandoned = true
            } else {
                abandoned = false
            }
            if abandoned { try? FileManager.default.removeItem(at: root.appendingPathComponent(name)) }
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
            provenance: .init(created: ISO8601DateFormatter().string(from: Date()), tool: "neuron-workbench \(Workbench.version)",
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
