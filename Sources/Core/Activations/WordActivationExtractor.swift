import Foundation

/// Receives word vectors as the extractor produces them (in batch order, not corpus order).
public protocol WordActivationSink {
    /// One word's vector at one of the requested layers.
    /// - Parameters:
    ///   - layerSlot: position of the layer in the request's `layers`.
    ///   - row: the word's global row (sentence rows are contiguous, in corpus order).
    mutating func write(layerSlot: Int, row: Int, vector: UnsafeBufferPointer<Float>) throws
}

/// Runs an encoder over tokenized sentences in length-sorted packed batches and hands each word's
/// vector (mean / first / last of its subwords) at the selected hidden states to a sink.
public struct WordActivationExtractor: Sendable {
    public var encoder: TransformerEncoder
    /// Hidden-state indices to keep (0 = embeddings).
    public var layers: [Int]
    public var aggregation: WordAggregation
    /// Most tokens in one packed batch.
    public var maxBatchTokens: Int
    /// Most sentences in one batch.
    public var maxBatchSentences: Int

    public init(encoder: TransformerEncoder, layers: [Int], aggregation: WordAggregation = .mean,
                maxBatchTokens: Int = 4096, maxBatchSentences: Int = 64) {
        precondition(layers.allSatisfy { (0..<encoder.hiddenStateCount).contains($0) },
                     "layers \(layers) outside 0..<\(encoder.hiddenStateCount)")
        self.encoder = encoder
        self.layers = layers
        self.aggregation = aggregation
        self.maxBatchTokens = maxBatchTokens
        self.maxBatchSentences = maxBatchSentences
    }

    /// Groups sentence indices into batches of similar length (shortest first).
    public func batches(_ sentences: [TokenizedSentence]) -> [[Int]] {
        let order = sentences.indices.sorted { sentences[$0].ids.count < sentences[$1].ids.count }
        var batches: [[Int]] = [], current: [Int] = [], tokens = 0
        for index in order {
            let length = sentences[index].ids.count
            if !current.isEmpty && (tokens + length > maxBatchTokens || current.count >= maxBatchSentences) {
                batches.append(current); current = []; tokens = 0
            }
            current.append(index); tokens += length
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// Extracts every sentence. `firstRows[i]` is the global row of sentence i's first word.
    ///
    /// - Parameters:
    ///   - shouldStop: polled between batches; extraction ends early (throwing `CancellationError`) when true.
    ///   - progress: called after each batch with (sentences, tokens) done in it.
    public func extract<Sink: WordActivationSink>(
        _ sentences: [TokenizedSentence], firstRows: [Int], into sink: inout Sink,
        shouldStop: () -> Bool = { false }, progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        precondition(firstRows.count == sentences.count, "one first row per sentence")
        let deepest = layers.max() ?? 0
        let slotOfLayer = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
        let width = encoder.config.hiddenSize
        var vector = [Float](repeating: 0, count: width)
        for batchIndices in batches(sentences) {
            if shouldStop() { throw CancellationError() }
            let batch = PackedBatch(sequences: batchIndices.map { sentences[$0].ids })
            var failure: (any Error)?
            encoder.forward(batch, upTo: deepest) { layer, hidden in
                guard failure == nil, let slot = slotOfLayer[layer] else { return }
                hidden.scalars.withUnsafeBufferPointer { states in
                    for (position, sentenceIndex) in batchIndices.enumerated() {
                        let sentence = sentences[sentenceIndex]
                        let base = batch.starts[position]
                        for (wordIndex, span) in sentence.wordSpans.enumerated() {
                            aggregate(states, rows: (base + span.lowerBound)..<(base + span.upperBound), width: width, into: &vector)
                            do {
                                try vector.withUnsafeBufferPointer {
                                    try sink.write(layerSlot: slot, row: firstRows[sentenceIndex] + wordIndex, vector: $0)
                                }
                            } catch { failure = error; return }
                        }
                    }
                }
            }
            if let failure { throw failure }
            progress(batchIndices.count, batch.tokenCount)
        }
    }

    private func aggregate(_ states: UnsafeBufferPointer<Float>, rows: Range<Int>, width: Int, into vector: inout [Float]) {
        vector.withUnsafeMutableBufferPointer { out in
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
}

/// Word vectors kept in memory: `matrices[slot]` is [rows, hidden].
public struct InMemoryActivations: WordActivationSink {
    public var matrices: [Tensor]
    public init(layerCount: Int, rows: Int, width: Int) {
        matrices = Array(repeating: Tensor(zeros: [rows, width]), count: layerCount)
    }
    public mutating func write(layerSlot: Int, row: Int, vector: UnsafeBufferPointer<Float>) {
        let width = vector.count
        matrices[layerSlot].scalars.withUnsafeMutableBufferPointer { out in
            for i in 0..<width { out[row * width + i] = vector[i] }
        }
    }
}
