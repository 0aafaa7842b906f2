import Foundation
import Kernels
import Models

/// Which units at a site drive a model's preference between two continuations: for the log-ratio
/// `log p(a) − log p(b)` of their first tokens at the predicted position (which is
/// `logit(a) − logit(b)`), each unit's gradient × activation and Integrated Gradients (Sundararajan
/// et al. 2017) from a zero baseline at the site, at every position of the prompt.
///
/// A causal model predicts after the prompt's last token. A masked LM (an encoder with its MLM
/// head) predicts at the mask: the prompt's one `[MASK]`/`<mask>` word, or a mask appended after
/// the prompt when it has none; `a` and `b` are two fillers of that word, compared by the first
/// token each gets in its place.
public struct UnitAttribution: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Riemann steps of the path integral (midpoints α = (k − ½)/steps).
        public var steps: Int = 20
        public init() {}
    }

    /// The result at one site.
    public struct Result: Sendable {
        public var site: ModelSite
        /// The prompt's token ids and pieces.
        public var ids: [Int]
        public var tokens: [String]
        /// The two continuations' first token ids.
        public var first: Int, second: Int
        /// The position whose prediction is compared: the last (causal) or the mask's (masked LM).
        public var position: Int
        /// log p(first) − log p(second) at `position`, unedited (nats).
        public var logRatio: Float
        /// The same with the whole site at the zero baseline.
        public var baselineLogRatio: Float
        /// [positions, width]: the activation, gradient × activation and IG of every unit.
        public var activation: Tensor, gradientTimesActivation: Tensor, integratedGradients: Tensor
        /// Σ IG − (logRatio − baselineLogRatio): how far the path sum is from complete.
        public var completenessGap: Float { integratedGradients.scalars.reduce(0, +) - (logRatio - baselineLogRatio) }

        /// The `count` (position, unit) cells with the largest |IG|.
        public func strongest(_ count: Int) -> [(position: Int, unit: Int)] {
            let width = integratedGradients.columns
            return integratedGradients.scalars.indices.sorted { abs(integratedGradients.scalars[$0]) > abs(integratedGradients.scalars[$1]) }
                .prefix(count).map { ($0 / width, $0 % width) }
        }
    }

    public enum AttributionError: Error, CustomStringConvertible, Equatable {
        case noHead(String)
        case noGradients(String)
        case noMaskToken(String)
        case severalMasks(String, count: Int)
        case sameFirstToken(String, String)
        case siteOutOfRange(ModelSite, layerCount: Int)

        public var description: String {
            switch self {
            case .noHead(let model):
                return "\(model): attribution compares two predictions through the model's output head, and this encoder has none (MiniLM checkpoints ship without their masked-LM head)"
            case .noGradients(let model): return "\(model) has no pullbacks yet (gradients run on Gemma 3, the LSTM and the encoders in this version)"
            case .noMaskToken(let model): return "\(model): its tokenizer has no [MASK] or <mask> token to predict at"
            case .severalMasks(let mask, let count): return "the prompt has \(count) \(mask) words: put one where the two fillers go (or none: one is appended)"
            case .sameFirstToken(let a, let b): return "'\(a)' and '\(b)' start with the same token: choose continuations whose first tokens differ"
            case .siteOutOfRange(let site, let count):
                return "site \(site) outside the model: residual 0…\(count), mlp 1…\(count)"
            }
        }
    }

    public let model: any DifferentiableLanguageModel
    public let tokenizer: any Tokenizer
    public var settings = Settings()

    public init(model: any LanguageModel, tokenizer: any Tokenizer) throws {
        guard let differentiable = model as? any DifferentiableLanguageModel else { throw AttributionError.noGradients(model.summary) }
        guard model.hasOutputHead else { throw AttributionError.noHead(model.summary) }
        self.model = differentiable
        self.tokenizer = tokenizer
    }

    /// The tokens to run, the row whose prediction is compared, and the two continuations' first tokens.
    struct Input: Equatable {
        var ids: [Int], row: Int, first: Int, second: Int
    }

    /// A causal model's input: the prompt, read at its last token; each continuation's first token after it.
    func causalInput(prompt: String, first: String, second: String) throws -> Input {
        let predictor = try NextTokenPredictor(model: model, tokenizer: tokenizer)
        let words = NextTokenPredictor.words(prompt)
        guard !words.isEmpty else { throw NextTokenPredictor.PredictorError.emptyText }
        let ids = try predictor.encode(words).ids
        let firstIDs = try [first, second].map { continuation -> Int in
            let added = NextTokenPredictor.words(continuation)
            guard !added.isEmpty else { throw NextTokenPredictor.PredictorError.emptyContinuation }
            let encoding = try predictor.encode(words + added)
            return encoding.ids[encoding.wordSpans[words.count].lowerBound]
        }
        return Input(ids: ids, row: ids.count - 1, first: firstIDs[0], second: firstIDs[1])
    }

    /// The mask strings a masked LM's tokenizer may use, in the order they are tried.
    static let maskTokens = ["[MASK]", "<mask>"]

    /// A masked LM's input: the prompt with its one mask word (or a mask appended) as the mask
    /// token, read at the mask; each filler's first token when it stands in the mask's place.
    func maskedInput(prompt: String, first: String, second: String) throws -> Input {
        guard let mask = Self.maskTokens.first(where: { tokenizer.id(of: $0) != nil }), let maskID = tokenizer.id(of: mask) else {
            throw AttributionError.noMaskToken(model.summary)
        }
        var words = NextTokenPredictor.words(prompt)
        guard !words.isEmpty else { throw NextTokenPredictor.PredictorError.emptyText }
        let masks = words.indices.filter { Self.maskTokens.contains(words[$0]) }
        guard masks.count <= 1 else { throw AttributionError.severalMasks(mask, count: masks.count) }
        let slot: Int
        if let index = masks.first { slot = index } else { words.append(mask); slot = words.count - 1 }
        func encode(_ words: [String]) throws -> Encoding {
            let encoding = tokenizer.encode(words: words)
            guard encoding.ids.count <= model.maxSequenceLength else {
                throw NextTokenPredictor.PredictorError.tooLong(tokens: encoding.ids.count, limit: model.maxSequenceLength)
            }
            return encoding
        }
        // The mask word becomes exactly one mask token, whatever the tokenizer makes of its text.
        let encoding = try encode(words)
        let span = encoding.wordSpans[slot]
        let ids = Array(encoding.ids[..<span.lowerBound]) + [maskID] + Array(encoding.ids[span.upperBound...])
        guard ids.count <= model.maxSequenceLength else {
            throw NextTokenPredictor.PredictorError.tooLong(tokens: ids.count, limit: model.maxSequenceLength)
        }
        let firstIDs = try [first, second].map { filler -> Int in
            let fillerWords = NextTokenPredictor.words(filler)
            guard !fillerWords.isEmpty else { throw NextTokenPredictor.PredictorError.emptyContinuation }
            let filled = try encode(Array(words[..<slot]) + fillerWords + Array(words[(slot + 1)...]))
            let fillerSpan = filled.wordSpans[slot]
            guard !fillerSpan.isEmpty else { throw NextTokenPredictor.PredictorError.emptyContinuation }
            return filled.ids[fillerSpan.lowerBound]
        }
        return Input(ids: ids, row: span.lowerBound, first: firstIDs[0], second: firstIDs[1])
    }

    /// Attributions at each of `sites` for `first` over `second` after `prompt`.
    public func attribute(prompt: String, first: String, second: String, sites: [ModelSite]) throws -> [Result] {
        let input = model.objective == .nextToken
            ? try causalInput(prompt: prompt, first: first, second: second)
            : try maskedInput(prompt: prompt, first: first, second: second)
        let ids = input.ids, firstIDs = [input.first, input.second]
        guard firstIDs[0] != firstIDs[1] else { throw AttributionError.sameFirstToken(first, second) }
        for site in sites {
            let valid: Bool
            switch site {
            case .residual(let layer): valid = (0...model.layerCount).contains(layer)
            case .mlp(let layer): valid = (1...max(1, model.layerCount)).contains(layer)
            case .cell(let layer): valid = model.isRecurrent && (1...max(1, model.layerCount)).contains(layer)
            }
            guard valid else { throw AttributionError.siteOutOfRange(site, layerCount: model.layerCount) }
        }
        let batch = PackedBatch(sequences: [ids])
        let rows = [input.row]
        let loss: LogitLoss = { logits in
            (logits.scalars[0] - logits.scalars[1], Tensor(shape: [1, 2], scalars: [1, -1]))
        }
        let tokens = ids.map { tokenizer.token(of: $0) ?? "?" }
        return sites.map { site in
            let plain = model.gradient(batch, at: site, rows: rows, vocabulary: firstIDs, loss: loss)
            let activation = plain.state
            var gradientTimesActivation = plain.gradient
            for i in gradientTimesActivation.scalars.indices { gradientTimesActivation.scalars[i] *= activation.scalars[i] }
            var pathSum = Tensor(zeros: activation.shape)
            let steps = max(1, settings.steps)
            for step in 0..<steps {
                let alpha = (Float(step) + 0.5) / Float(steps)
                let scaled = model.gradient(batch, at: site, edits: [site: Self.scaling(alpha)], editPullbacks: [site: Self.scaling(alpha)],
                                            rows: rows, vocabulary: firstIDs, loss: loss)
                for i in pathSum.scalars.indices { pathSum.scalars[i] += scaled.gradient.scalars[i] }
            }
            var integrated = pathSum
            for i in integrated.scalars.indices { integrated.scalars[i] *= activation.scalars[i] / Float(steps) }
            let baseline = model.gradient(batch, at: site, edits: [site: Self.scaling(0)], editPullbacks: [site: Self.scaling(0)],
                                          rows: rows, vocabulary: firstIDs, loss: loss)
            return Result(site: site, ids: ids, tokens: tokens, first: firstIDs[0], second: firstIDs[1], position: input.row, logRatio: plain.loss,
                          baselineLogRatio: baseline.loss, activation: activation, gradientTimesActivation: gradientTimesActivation,
                          integratedGradients: integrated)
        }
    }

    /// The whole state scaled by α (α = 0: the zero baseline); it is also its own pullback (a
    /// recurrent model scales h_t at every step, so the gradient passes back through it). In a
    /// recurrent model the scaled states are α · the states the scaled recurrence makes, not α · the
    /// plain run's: the path bends, and the integrated gradients need not sum to the log-ratio's change.
    static func scaling(_ alpha: Float) -> SiteEdit {
        { state, _ in for i in state.scalars.indices { state.scalars[i] *= alpha } }
    }
}
