import Foundation
import Kernels
import Models
import Support

/// Receives word vectors as the extractor produces them (in batch order, not corpus order).
public protocol WordActivationSink: SendableMetatype {
    /// The vectors of consecutive words (one sentence's) at one of the requested layers.
    /// - Parameters:
    ///   - layerSlot: position of the layer in the request's `layers`.
    ///   - firstRow: the first word's global row (sentence rows are contiguous, in corpus order).
    ///   - vectors: [words, hidden], row-major.
    mutating func write(layerSlot: Int, firstRow: Int, vectors: UnsafeBufferPointer<Float>) throws
}

/// Runs a model over tokenized sentences in length-sorted packed batches and hands each word's
/// vector (mean / first / last of its subwords) at the selected hidden states to a sink.
public struct WordActivationExtractor: Sendable {
    public var encoder: any LanguageModel
    /// Hidden-state indices to keep (0 = embeddings), or blocks whose MLP units to keep.
    public var layers: [Int]
    /// The residual stream or each block's MLP inner activation.
    public var site: SiteKind
    public var aggregation: WordAggregation
    /// Most tokens in one packed batch. 1,024 per core runs sgemm as fast here as 2,048
    /// (`scripts/bench-sgemm.c`: ~153 GFLOP/s per core either way) with half the memory in flight.
    public var maxBatchTokens: Int
    /// ``maxBatchTokens`` unless told otherwise.
    public static let defaultMaxBatchTokens = 1024
    /// Most sentences in one batch.
    public var maxBatchSentences: Int
    /// Batches run at once (default: one per core).
    public var workers: Int
    /// A word vector with a value of larger magnitude, NaN or infinite stops extraction with a
    /// ``NonFiniteActivationError`` (default: the largest finite float); nil keeps any value.
    public var largestMagnitude: Float? = .greatestFiniteMagnitude
    /// Names of the corpus files, by ``TokenizedSentence/fileIndex``, for errors.
    public var fileNames: [String] = []

    public init(encoder: any LanguageModel, layers: [Int], site: SiteKind = .residual, aggregation: WordAggregation = .mean,
                maxBatchTokens: Int = defaultMaxBatchTokens, maxBatchSentences: Int = 64,
                workers: Int = ProcessorCores.available) {
        let valid = site.layers(layerCount: encoder.layerCount)
        precondition(layers.allSatisfy { valid.contains($0) }, "\(site) layers \(layers) outside \(valid)")
        self.encoder = encoder
        self.site = site
        self.layers = layers
        self.aggregation = aggregation
        self.maxBatchTokens = maxBatchTokens
        self.maxBatchSentences = maxBatchSentences
        self.workers = workers
    }

    /// Values per word vector: the hidden size, the MLP's width or the cell state's.
    public var width: Int { site.width(in: encoder) }

    /// Sentence indices in batches of similar length, longest batches first.
    public func batches(_ sentences: [TokenizedSentence]) -> [[Int]] {
        PackedBatch.groups(lengths: sentences.indices.map { ($0, sentences[$0].ids.count) },
                           maxTokens: maxBatchTokens, maxItems: maxBatchSentences)
    }

    /// Extracts every sentence. `firstRows[i]` is the global row of sentence i's first word.
    ///
    /// With `workers > 1` whole batches run concurrently (longest first, each to the next free
    /// worker), each on one core with single-threaded BLAS: no fork–join inside every matrix
    /// product, and the element-wise layers run in parallel too. Vectors reach the sink one batch
    /// at a time, under a lock, one sentence per call.
    ///
    /// - Parameters:
    ///   - shouldStop: polled between batches; extraction ends early (throwing `CancellationError`) when true.
    ///   - progress: called after each batch with (sentences, tokens) done in it.
    /// - Throws: ``NonFiniteActivationError`` for the first word vector outside ``largestMagnitude``
    ///   (nothing after its batch reaches the sink), `CancellationError`, or what the sink throws.
    public func extract<Sink: WordActivationSink>(
        _ sentences: [TokenizedSentence], firstRows: [Int], into sink: inout Sink,
        shouldStop: () -> Bool = { false }, progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        precondition(firstRows.count == sentences.count, "one first row per sentence")
        let batches = self.batches(sentences)
        let shared = SharedSink(sink: sink)
        do {
            try withoutActuallyEscaping(progress) { progress in
                let progress = UncheckedSendable(progress)
                try BatchScheduler.run(batches.count, workers: workers, shouldStop: { shared.failed || shouldStop() }) { item, serialized in
                    let (vectors, tokens) = run(batches[item], sentences)
                    if let bad = firstNonFiniteWord(vectors, batch: batches[item], sentences: sentences) { shared.fail(bad); return false }
                    shared.emit(vectors, batch: batches[item], sentences: sentences, firstRows: firstRows, width: width)
                    serialized { progress.value(batches[item].count, tokens) }
                    return true
                }
            }
        } catch {
            shared.fail(error)   // the first failure wins: a bad vector before the stop it caused
        }
        sink = shared.sink
        if let failure = shared.failure { throw failure }
    }

    /// Word vectors of one batch: per layer slot, the batch's words in order × hidden.
    private func run(_ batchIndices: [Int], _ sentences: [TokenizedSentence]) -> ([[Float]], Int) {
        let batch = PackedBatch(sequences: batchIndices.map { sentences[$0].ids })
        let width = self.width
        let wordCount = batchIndices.reduce(0) { $0 + sentences[$1].wordSpans.count }
        var vectors = [[Float]](repeating: [], count: layers.count)
        let slotOfLayer = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
        encoder.run(batch, upTo: layers.max() ?? 0, visitInner: site != .residual) { visited, hidden in
            guard visited == site.site(visited.layer), let slot = slotOfLayer[visited.layer] else { return }
            vectors[slot] = [Float](unsafeUninitializedCapacity: wordCount * width) { out, initialized in
                hidden.scalars.withUnsafeBufferPointer { states in
                    var word = 0
                    for (position, sentenceIndex) in batchIndices.enumerated() {
                        let base = batch.starts[position]
                        for span in sentences[sentenceIndex].wordSpans {
                            aggregate(states, rows: (base + span.lowerBound)..<(base + span.upperBound), width: width,
                                      into: out.baseAddress! + word * width)
                            word += 1
                        }
                    }
                }
                initialized = wordCount * width
            }
        }
        return (vectors, batch.tokenCount)
    }

    private func aggregate(_ states: UnsafeBufferPointer<Float>, rows: Range<Int>, width: Int, into out: UnsafeMutablePointer<Float>) {
        switch aggregation {
        case .first, .last:
            let row = aggregation == .first ? rows.lowerBound : rows.upperBound - 1
            for i in 0..<width { out[i] = states[row * width + i] }
        case .mean:
            for i in 0..<width { out[i] = 0 }
            for row in rows { for i in 0..<width { out[i] += states[row * width + i] } }
            let scale = 1 / Float(rows.count)
            for i in 0..<width { out[i] *= scale }
        }
    }
}

/// The sink shared by concurrent batches: one batch's vectors at a time.
private final class SharedSink<Sink: WordActivationSink>: @unchecked Sendable {
    var sink: Sink
    private(set) var failure: (any Error)?
    private let lock = NSLock()

    init(sink: Sink) { self.sink = sink }

    var failed: Bool { lock.lock(); defer { lock.unlock() }; return failure != nil }

    func fail(_ error: any Error) {
        lock.lock(); defer { lock.unlock() }
        if failure == nil { failure = error }
    }

    func emit(_ vectors: [[Float]], batch: [Int], sentences: [TokenizedSentence], firstRows: [Int], width: Int) {
        lock.lock(); defer { lock.unlock() }
        guard failure == nil else { return }
        do {
            for (slot, matrix) in vectors.enumerated() {
                try matrix.withUnsafeBufferPointer { all in
                    var word = 0
                    for sentenceIndex in batch {
                        let count = sentences[sentenceIndex].wordSpans.count
                        let vectors = UnsafeBufferPointer(rebasing: all[(word * width)..<((word + count) * width)])
                        try sink.write(layerSlot: slot, firstRow: firstRows[sentenceIndex], vectors: vectors)
                        word += count
                    }
                }
            }
        } catch {
            failure = error
        }
    }
}

/// The caller's stop and progress callbacks, called from any worker under one lock.
/// A non-Sendable closure handed to the scheduler's workers, which call it under the scheduler's lock.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Word vectors kept in memory: `matrices[slot]` is [rows, hidden].
public struct InMemoryActivations: WordActivationSink {
    public var matrices: [Tensor]
    public init(layerCount: Int, rows: Int, width: Int) {
        matrices = Array(repeating: Tensor(zeros: [rows, width]), count: layerCount)
    }
    public mutating func write(layerSlot: Int, firstRow: Int, vectors: UnsafeBufferPointer<Float>) {
        let start = firstRow * matrices[layerSlot].columns
        matrices[layerSlot].scalars.withUnsafeMutableBufferPointer { out in
            for i in 0..<vectors.count { out[start + i] = vectors[i] }
        }
    }
}
