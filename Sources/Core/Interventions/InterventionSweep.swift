import Foundation
import Kernels
import Models
import Support

/// One relevant word of a sentence: its position among the sentence's words and its label.
public struct InterventionWord: Sendable, Hashable, Codable {
    public var position: Int
    public var label: Int
    public init(position: Int, label: Int) {
        self.position = position
        self.label = label
    }
}

/// A sentence to intervene on: its tokens and the words that carry the attribute.
public struct InterventionSentence: Sendable {
    public var tokens: TokenizedSentence
    public var words: [InterventionWord]
    public init(tokens: TokenizedSentence, words: [InterventionWord]) {
        self.tokens = tokens
        self.words = words
    }
}

/// Where predictions come from: the checkpoint's own masked-LM head, or a fitted readout head.
public enum PredictionHead: Sendable {
    case pretrained
    case fitted(ReadoutHead)

    /// How results name the head.
    public var label: String {
        switch self {
        case .pretrained: return "pretrained masked-LM head"
        case .fitted: return ReadoutHead.label
        }
    }

    /// Logits of chosen rows of a final hidden state. - Returns: [rows, vocab]
    func logits(_ model: any LanguageModel, finalHidden: Tensor, rows: [Int]) -> Tensor {
        switch self {
        case .pretrained:
            guard let logits = model.logits(finalHidden, rows: rows, vocabulary: nil) else {
                preconditionFailure("PredictionHead.pretrained on a model without an output head")
            }
            return logits
        case .fitted(let head):
            return head.logits(finalHidden.selectingRows(rows))
        }
    }
}

/// The token predictions of a sweep: for every ranking, every k and every relevant word, the argmax
/// token at each of the word's subwords.
public struct SweepPredictions: Sendable {
    /// `predicted[ranking][tick][word]`: token ids, one per subword. Words in sentence order.
    public var predicted: [[[[Int]]]]
    /// The input ids of every word (what an unedited perfect model reproduces).
    public var original: [[Int]]
    /// (sentence index, word) of every word.
    public var words: [(sentence: Int, word: InterventionWord)]
    /// Tokens run through layers l+1…L over the whole sweep (for throughput).
    public var tokensRun: Int
}

/// Split-forward interventions (Antverg & Belinkov §4): run layers 1…l once per batch, edit the
/// top-k neurons of every subword of every relevant word, run layers l+1…L and the head, and take
/// the argmax at the edited subwords — for every ranking and every k. The edit is a ``SiteEdit``
/// at `.residual(l)` applied by the model's one run loop.
///
/// ```swift
/// let sweep = InterventionSweep(model: model, head: .pretrained,
///                               settings: .init(layer: 2, edit: .translate(beta: 8), neuronCounts: Array(stride(from: 0, through: 384, by: 10))))
/// let predictions = sweep.run(sentences, rankings: [probeless, probeless.bottomToTop], means: q)
/// ```
public struct InterventionSweep: Sendable {
    public struct Settings: Sendable, Codable, Hashable {
        /// The hidden state to edit (1…L; 0 edits the embeddings).
        public var layer: Int
        public var edit: NeuronEdit
        /// The k values (ticks).
        public var neuronCounts: [Int]
        /// Most tokens per packed batch.
        public var maxBatchTokens: Int = 2048
        /// Most sentences per batch.
        public var maxBatchSentences: Int = 32
        /// Run layers 1…l once per batch (true) or again for every k (the naive baseline of the benchmark).
        public var reuseLowerLayers: Bool = true
        /// Batches in flight, each on single-threaded BLAS.
        public var workers: Int = ProcessorCores.available

        public init(layer: Int, edit: NeuronEdit, neuronCounts: [Int]) {
            self.layer = layer
            self.edit = edit
            self.neuronCounts = neuronCounts
        }

        /// k = 0, step, 2·step, …, and D itself.
        public static func ticks(neuronCount: Int, step: Int) -> [Int] {
            precondition(step > 0, "step \(step)")
            var ticks = Array(stride(from: 0, through: neuronCount, by: step))
            if ticks.last != neuronCount { ticks.append(neuronCount) }
            return ticks
        }
    }

    public var model: any LanguageModel
    public var head: PredictionHead
    public var settings: Settings

    /// - Precondition: the layer is one of the model's hidden states; a pretrained head is a
    ///   masked-LM head (it predicts the token at the edited position itself).
    public init(model: any LanguageModel, head: PredictionHead, settings: Settings) {
        precondition(settings.layer >= 0 && settings.layer < model.hiddenStateCount,
                     "layer \(settings.layer) outside 0..<\(model.hiddenStateCount)")
        if case .pretrained = head {
            precondition(model.hasOutputHead && model.objective == .maskedToken,
                         "the model has no masked-LM head: fit a readout head")
        }
        self.model = model
        self.head = head
        self.settings = settings
    }

    /// The translation direction of every label: q(z') − q(z) with z' the next label (cyclic) or `target`.
    ///
    /// - Parameter means: q(z) per label from the training split, [labels][hidden].
    public static func directions(means: [[Float]], target: Int? = nil) -> [[Float]] {
        means.indices.map { label in
            let other = target ?? (label + 1) % means.count
            return zip(means[other], means[label]).map { $0 - $1 }
        }
    }

    /// Runs the sweep.
    ///
    /// - Parameters:
    ///   - rankings: neuron orders, most relevant first (each a permutation of 0..<hidden)
    ///   - directions: per label, q(z') − q(z) (ignored by ablation); see ``directions(means:target:)``
    ///   - progress: called after each batch with its sentence count
    public func run(_ sentences: [InterventionSentence], rankings: [[Int]], directions: [[Float]],
                    shouldStop: () -> Bool = { false }, progress: @escaping @Sendable (Int) -> Void = { _ in }) throws -> SweepPredictions {
        let width = model.hiddenSize
        for ranking in rankings { precondition(ranking.count == width, "ranking of \(ranking.count) neurons, model width \(width)") }
        // Global word numbering in sentence order.
        var wordOffsets: [Int] = [], words: [(sentence: Int, word: InterventionWord)] = [], original: [[Int]] = []
        for (index, sentence) in sentences.enumerated() {
            wordOffsets.append(words.count)
            for word in sentence.words {
                words.append((index, word))
                original.append(Array(sentence.tokens.ids[sentence.tokens.wordSpans[word.position]]))
            }
        }
        let offsets = wordOffsets
        let batches = self.batches(sentences)
        let ticks = settings.neuronCounts
        let box = ResultBox(rankings: rankings.count, ticks: ticks.count, words: words.count)
        try BatchScheduler.run(batches.count, workers: settings.workers, shouldStop: shouldStop) { item, serialized in
            let tokens = runBatch(batches[item], sentences: sentences, wordOffsets: offsets, rankings: rankings,
                                  directions: directions, ticks: ticks, into: box)
            box.addTokens(tokens)
            serialized { progress(batches[item].count) }
            return true
        }
        return SweepPredictions(predicted: box.predicted, original: original, words: words, tokensRun: box.tokens)
    }

    /// Sentences with relevant words in packed batches of similar length, longest batches first.
    func batches(_ sentences: [InterventionSentence]) -> [[Int]] {
        PackedBatch.groups(lengths: sentences.indices.filter { !sentences[$0].words.isEmpty }.map { ($0, sentences[$0].tokens.ids.count) },
                           maxTokens: settings.maxBatchTokens, maxItems: settings.maxBatchSentences)
    }

    /// One batch through every ranking and k. - Returns: tokens run through the upper layers.
    private func runBatch(_ batchIndices: [Int], sentences: [InterventionSentence], wordOffsets: [Int], rankings: [[Int]],
                          directions: [[Float]], ticks: [Int], into box: ResultBox) -> Int {
        let batch = PackedBatch(sequences: batchIndices.map { sentences[$0].tokens.ids })
        // Edited rows: (row, label) per subword; prediction rows and their (global word, subword count).
        var editRows: [(row: Int, label: Int)] = []
        var predictionRows: [Int] = []
        var wordSlices: [(word: Int, count: Int)] = []
        for (position, sentenceIndex) in batchIndices.enumerated() {
            let sentence = sentences[sentenceIndex]
            for (offset, word) in sentence.words.enumerated() {
                let span = sentence.tokens.wordSpans[word.position]
                for token in span {
                    editRows.append((batch.starts[position] + token, word.label))
                    predictionRows.append(batch.starts[position] + token)
                }
                wordSlices.append((wordOffsets[sentenceIndex] + offset, span.count))
            }
        }
        let site = ModelSite.residual(settings.layer)
        // A recurrent block applies the edit inside its recurrence, so its split starts below it.
        let split = model.isRecurrent && settings.layer > 0 ? settings.layer - 1 : settings.layer
        let lowerState = settings.reuseLowerLayers ? model.run(batch, upTo: split) : nil
        var tokens = 0
        func predict(_ edit: @escaping SiteEdit) -> [[Int]] {
            // Split: layers l+1…L from the stored state (l…L for a recurrent model); naive: the whole model again.
            let final = lowerState.map { model.run(batch, from: (split, $0), edits: [site: edit]) }
                ?? model.run(batch, edits: [site: edit])
            tokens += batch.tokenCount
            let argmax = ReadoutHead.argmax(head.logits(model, finalHidden: final, rows: predictionRows))
            var start = 0
            return wordSlices.map { slice in
                defer { start += slice.count }
                return Array(argmax[start..<(start + slice.count)])
            }
        }
        var unedited: [[Int]]?
        for (r, ranking) in rankings.enumerated() {
            for (t, k) in ticks.enumerated() {
                let count = min(k, ranking.count)
                let result: [[Int]]
                if count == 0, let unedited {
                    result = unedited
                } else {
                    result = predict(settings.edit.siteEdit(ranking: ranking, k: count, rows: editRows, directions: directions))
                    if count == 0 { unedited = result }
                }
                box.store(ranking: r, tick: t, words: wordSlices.map(\.word), predictions: result)
            }
        }
        return tokens
    }
}

/// Predictions written by concurrent batches (each writes only its own words).
private final class ResultBox: @unchecked Sendable {
    var predicted: [[[[Int]]]]
    var tokens = 0
    let lock = NSLock()
    init(rankings: Int, ticks: Int, words: Int) {
        predicted = Array(repeating: Array(repeating: Array(repeating: [], count: words), count: ticks), count: rankings)
    }
    func store(ranking: Int, tick: Int, words: [Int], predictions: [[Int]]) {
        lock.lock(); defer { lock.unlock() }
        for (word, prediction) in zip(words, predictions) { predicted[ranking][tick][word] = prediction }
    }
    func addTokens(_ count: Int) { lock.lock(); tokens += count; lock.unlock() }
}
