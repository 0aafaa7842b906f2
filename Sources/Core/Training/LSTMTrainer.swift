import Foundation
import Kernels
import Models
import Support

/// The knobs of Gulordava et al. (2018)'s training recipe (PyTorch's `word_language_model`
/// `main.py`: SGD, gradient clipping, learning rate divided on a held-out plateau).
public struct LSTMTrainingSettings: Codable, Equatable, Sendable {
    public var layers = 2
    /// Hidden size and embedding size (emsize = nhid).
    public var width = 200
    /// The most frequent training words kept; `<unk>` and `<eos>` come on top.
    public var vocabularySize = 10_000
    public var dropout: Float = 0.2
    /// Truncated backpropagation through time: words per segment.
    public var bptt = 35
    public var batchSize = 64
    /// Streams of the held-out text evaluated at once (`main.py`'s `eval_batch_size`).
    public var evaluationBatchSize = 10
    public var learningRate: Float = 20
    /// Largest L2 norm of the whole gradient (`clip_grad_norm_`).
    public var clip: Float = 0.25
    /// The learning rate is divided by this when held-out loss does not improve on the best.
    public var decay: Float = 4
    public var epochs = 6
    public var seed: UInt64 = 1
    /// Every k-th sentence is held out for perplexity.
    public var heldOutEvery = 10

    public init() {}

    /// Gulordava et al.'s own sizes (2 × 650, 50,000 words, 40 epochs on 90M words of Wikipedia);
    /// the defaults above keep the recipe but scale width, vocabulary and epochs to minutes on a
    /// few cores and ~140k treebank words.
    public static var gulordava: LSTMTrainingSettings {
        var settings = LSTMTrainingSettings()
        settings.width = 650
        settings.vocabularySize = 50_000
        settings.epochs = 40
        return settings
    }

    /// - Throws: ``TrainingError/invalidSetting(name:reason:)`` naming the option.
    public func validate() throws {
        for (name, value) in [("--layers", layers), ("--width", width), ("--vocab", vocabularySize), ("--bptt", bptt),
                              ("--batch", batchSize), ("--epochs", epochs)] where value < 1 {
            throw TrainingError.invalidSetting(name: name, reason: "must be at least 1, not \(value)")
        }
        guard dropout >= 0 && dropout < 1 else { throw TrainingError.invalidSetting(name: "--dropout", reason: "must be in [0, 1), not \(dropout)") }
        guard learningRate > 0 && learningRate.isFinite else { throw TrainingError.invalidSetting(name: "--lr", reason: "must be positive, not \(learningRate)") }
        guard clip > 0 && clip.isFinite else { throw TrainingError.invalidSetting(name: "--clip", reason: "must be positive, not \(clip)") }
        guard decay >= 1 && decay.isFinite else { throw TrainingError.invalidSetting(name: "--decay", reason: "must be at least 1, not \(decay)") }
        guard heldOutEvery >= 2 else { throw TrainingError.invalidSetting(name: "--held-out-every", reason: "must be at least 2, not \(heldOutEvery)") }
    }
}

/// One finished epoch.
public struct LSTMEpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    /// The learning rate the epoch trained with.
    public var learningRate: Float
    /// Mean cross-entropy over the epoch's training segments (with dropout), nats per word.
    public var trainingLoss: Double
    /// Mean cross-entropy over the held-out text, nats per word (including `<eos>`).
    public var heldOutLoss: Double
    public var seconds: Double
    /// Training words per second (the held-out pass not included).
    public var wordsPerSecond: Double

    public var heldOutPerplexity: Double { Foundation.exp(heldOutLoss) }
    public var trainingPerplexity: Double { Foundation.exp(trainingLoss) }
}

/// Everything training needs to continue where it stopped, besides the weights.
public struct LSTMTrainingState: Codable, Equatable, Sendable {
    public var settings: LSTMTrainingSettings
    public var epochsDone = 0
    /// The learning rate of the next epoch.
    public var learningRate: Float
    public var bestHeldOutLoss: Double?
    public var bestEpoch: Int?
    /// The dropout generator's state after the last finished epoch (hexadecimal: JSON numbers lose bits past 2⁵³).
    public var randomState: String
    /// What the run was trained on: a hash of the vocabulary and both id streams.
    public var corpusDigest: String
    public var history: [LSTMEpochRecord] = []
    public var tool = BuildInfo.tool
}

/// Trains a word-level LSTM language model (``LSTMModel``) with Gulordava et al.'s recipe:
/// each epoch runs the training text as `batchSize` streams in segments of `bptt` words, carrying
/// each block's h and c from one segment to the next (detached), one SGD step per segment on the
/// mean cross-entropy with the whole gradient clipped to `clip`; after the epoch the held-out loss
/// decides: a new best is kept (`model.safetensors`), otherwise the learning rate is divided by `decay`.
public struct LSTMTrainer: Sendable {
    public private(set) var model: LSTMModel
    /// b_ih and b_hh of each block (the model holds their sum).
    var biases: [(input: Tensor, recurrent: Tensor)]
    public private(set) var state: LSTMTrainingState
    public let tokenizer: WordVocabularyTokenizer
    /// `<unk>`, `<eos>`, then the kept words: vocab.txt's lines.
    public let vocabulary: [String]
    let trainingStreams: [[Int]]
    let heldOutStreams: [[Int]]

    /// A fresh run: the vocabulary from the training part, PyTorch's initialisation from `settings.seed`.
    public init(corpus: LanguageModelCorpus, settings: LSTMTrainingSettings) throws {
        try settings.validate()
        let vocabulary = corpus.vocabulary(size: settings.vocabularySize)
        let tokenizer = try WordVocabularyTokenizer(lines: vocabulary.joined(separator: "\n"), file: URL(fileURLWithPath: "vocab.txt"))
        var random = SplitMix64(seed: settings.seed)
        let config = LSTMConfig(modelType: LSTMConfig.modelTypeName, vocabSize: vocabulary.count, embeddingSize: settings.width,
                                hiddenSize: settings.width, layerCount: settings.layers)
        let (model, biases) = LSTMModel.initialised(config, random: &random)
        let training = LanguageModelCorpus.stream(corpus.training, tokenizer: tokenizer)
        let heldOut = LanguageModelCorpus.stream(corpus.heldOut, tokenizer: tokenizer)
        let state = LSTMTrainingState(settings: settings, learningRate: settings.learningRate,
                                      randomState: String(random.state, radix: 16),
                                      corpusDigest: Self.digest(vocabulary: vocabulary, training: training, heldOut: heldOut))
        try self.init(model: model, biases: biases, state: state, tokenizer: tokenizer, vocabulary: vocabulary,
                      training: training, heldOut: heldOut)
    }

    init(model: LSTMModel, biases: [(input: Tensor, recurrent: Tensor)], state: LSTMTrainingState, tokenizer: WordVocabularyTokenizer,
         vocabulary: [String], training: [Int], heldOut: [Int]) throws {
        self.model = model
        self.biases = biases
        self.state = state
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        trainingStreams = try Self.streams(training, count: state.settings.batchSize, part: "training")
        heldOutStreams = try Self.streams(heldOut, count: min(state.settings.evaluationBatchSize, max(1, heldOut.count / 2)), part: "held-out")
    }

    /// `main.py`'s `batchify`: the id stream cut into `count` equal streams (the remainder dropped).
    static func streams(_ ids: [Int], count: Int, part: String) throws -> [[Int]] {
        let length = ids.count / count
        guard length >= 2 else {
            throw TrainingError.invalidSetting(name: part == "training" ? "--batch" : "--held-out-every",
                                               reason: "the \(part) text (\(ids.count) words with <eos>) is too short for \(count) streams of at least 2 words")
        }
        return (0..<count).map { Array(ids[($0 * length)..<(($0 + 1) * length)]) }
    }

    /// `main.py`'s `get_batch`: words start..<start+len of every stream and the word after each.
    static func segment(_ streams: [[Int]], start: Int, bptt: Int) -> LSTMSegment {
        let length = min(bptt, streams[0].count - 1 - start)
        let batch = PackedBatch(sequences: streams.map { Array($0[start..<(start + length)]) })
        return LSTMSegment(batch: batch, targets: streams.flatMap { $0[(start + 1)...(start + length)] })
    }

    /// Segments per training epoch.
    public var segmentCount: Int { (trainingStreams[0].count - 1 + state.settings.bptt - 1) / state.settings.bptt }
    /// Training words per epoch (the targets of every segment).
    public var wordsPerEpoch: Int { (trainingStreams[0].count - 1) * trainingStreams.count }
    public var heldOutWordCount: Int { (heldOutStreams[0].count - 1) * heldOutStreams.count }
    public var isFinished: Bool { state.epochsDone >= state.settings.epochs }

    static func digest(vocabulary: [String], training: [Int], heldOut: [Int]) -> String {
        var hash = StableHash.fnv1a64(vocabulary.joined(separator: "\n"))
        for stream in [training, heldOut] {
            hash = stream.withUnsafeBytes { ContentHash.xxh64($0, seed: hash) }
        }
        return String(hash, radix: 16)
    }

    /// One SGD step on a segment: the gradient of the mean cross-entropy, clipped to `clip` in L2
    /// norm over all parameters (`clip_grad_norm_`: factor clip / (norm + 1e-6) when below 1), then
    /// p ← p − lr · g. - Returns: the segment's pass (its loss and final state).
    @discardableResult
    mutating func step(_ segment: LSTMSegment, initial: [LSTMRecurrentState], random: inout SplitMix64,
                       clock: inout LSTMTrainingClock?) -> LSTMTrainingPass {
        var pass = model.trainingPass(segment, initial: initial, dropout: state.settings.dropout, random: &random,
                                      computeGradients: true, clock: &clock)
        var gradients = pass.gradients!
        pass.gradients = nil
        let rate = state.learningRate, clip = state.settings.clip
        LSTMTrainingClock.time(&clock, \.update) {
            let norm = gradients.norm
            let factor = Float(Double(clip) / (norm + 1e-6))
            if factor < 1 { gradients.scale(by: factor) }
            model.descend(gradients, rate: rate, biases: &biases)
        }
        return pass
    }

    /// One epoch over the training streams (h and c start at zero and carry across segments).
    ///
    /// - Parameters:
    ///   - progress: after each segment: its words and the epoch's mean loss so far.
    ///   - shouldStop: polled before each segment; stopping throws `CancellationError`, the trainer
    ///     is then mid-epoch and is discarded (the checkpoint of the last finished epoch resumes).
    /// - Returns: the epoch's mean training loss.
    public mutating func trainEpoch(progress: (Int, Double) -> Void = { _, _ in }, shouldStop: () -> Bool = { false },
                                    clock: inout LSTMTrainingClock?) throws -> Double {
        guard var random = UInt64(state.randomState, radix: 16).map(SplitMix64.init(seed:)) else {
            preconditionFailure("random state \(state.randomState) is not hexadecimal")
        }
        var hidden = model.zeroState(sequences: trainingStreams.count)
        var lossSum = 0.0, words = 0
        for start in stride(from: 0, to: trainingStreams[0].count - 1, by: state.settings.bptt) {
            if shouldStop() { throw CancellationError() }
            let pass = step(Self.segment(trainingStreams, start: start, bptt: state.settings.bptt), initial: hidden,
                            random: &random, clock: &clock)
            hidden = pass.final
            lossSum += pass.lossSum
            words += pass.tokenCount
            progress(pass.tokenCount, lossSum / Double(words))
        }
        state.randomState = String(random.state, radix: 16)
        return lossSum / Double(words)
    }

    /// Trains on the first `count` segments of an epoch from the zero state, the learning rate and
    /// dropout generator as they are (for benchmarks: the state is not advanced to a next epoch).
    /// - Returns: the words trained on.
    public mutating func trainSegments(_ count: Int, clock: inout LSTMTrainingClock?) -> Int {
        var random = SplitMix64(seed: state.settings.seed)
        var hidden = model.zeroState(sequences: trainingStreams.count)
        var words = 0
        for start in stride(from: 0, to: trainingStreams[0].count - 1, by: state.settings.bptt).prefix(count) {
            let pass = step(Self.segment(trainingStreams, start: start, bptt: state.settings.bptt), initial: hidden, random: &random, clock: &clock)
            hidden = pass.final
            words += pass.tokenCount
        }
        return words
    }

    /// The training text as ids, the streams one after another (what `batchify` cuts into the same streams).
    public var trainingIDs: [Int] { trainingStreams.flatMap { $0 } }

    /// Mean cross-entropy (nats per word) of the held-out text without dropout, streams carried across segments.
    public func heldOutLoss() -> Double {
        var hidden = model.zeroState(sequences: heldOutStreams.count)
        var random = SplitMix64(seed: 0)
        var clock: LSTMTrainingClock?
        var lossSum = 0.0, words = 0
        for start in stride(from: 0, to: heldOutStreams[0].count - 1, by: state.settings.bptt) {
            let pass = model.trainingPass(Self.segment(heldOutStreams, start: start, bptt: state.settings.bptt), initial: hidden,
                                          dropout: 0, random: &random, computeGradients: false, clock: &clock)
            hidden = pass.final
            lossSum += pass.lossSum
            words += pass.tokenCount
        }
        return lossSum / Double(words)
    }

    /// Ends an epoch as `main.py` does: a held-out loss below the best so far makes it the best
    /// (returns true: the model is to be saved); otherwise the learning rate is divided by `decay`.
    @discardableResult
    public mutating func finishEpoch(trainingLoss: Double, heldOutLoss: Double, seconds: Double) -> Bool {
        state.epochsDone += 1
        state.history.append(LSTMEpochRecord(epoch: state.epochsDone, learningRate: state.learningRate, trainingLoss: trainingLoss,
                                             heldOutLoss: heldOutLoss, seconds: seconds,
                                             wordsPerSecond: Double(wordsPerEpoch) / max(seconds, 1e-9)))
        if let best = state.bestHeldOutLoss, !(heldOutLoss < best) {
            state.learningRate /= state.settings.decay
            return false
        }
        state.bestHeldOutLoss = heldOutLoss
        state.bestEpoch = state.epochsDone
        return true
    }

    /// The weights under their state-dict names (the layout ``LSTMModel/load(from:)`` reads).
    public var weights: [String: Tensor] { model.stateDictionary(biases: biases) }
}
