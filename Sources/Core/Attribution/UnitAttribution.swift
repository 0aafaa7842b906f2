import Foundation

/// Which units at a site drive a causal model's preference between two continuations: for the
/// log-ratio `log p(a) − log p(b)` of their first tokens at the prompt's last position (which is
/// `logit(a) − logit(b)`), each unit's gradient × activation and Integrated Gradients (Sundararajan
/// et al. 2017) from a zero baseline at the site, at every position of the prompt.
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
        /// log p(first) − log p(second) at the last position, unedited (nats).
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
        case notCausal(String)
        case noGradients(String)
        case sameFirstToken(String, String)
        case siteOutOfRange(ModelSite, layerCount: Int)

        public var description: String {
            switch self {
            case .notCausal(let model): return "\(model) is not a causal LM: the log-ratio of two continuations needs next-token predictions"
            case .noGradients(let model): return "\(model) has no pullbacks yet (gradients run on Gemma 3 in this version)"
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
        guard model.objective == .nextToken else { throw AttributionError.notCausal(model.summary) }
        guard let differentiable = model as? any DifferentiableLanguageModel else { throw AttributionError.noGradients(model.summary) }
        self.model = differentiable
        self.tokenizer = tokenizer
    }

    /// Attributions at each of `sites` for `first` over `second` after `prompt`.
    public func attribute(prompt: String, first: String, second: String, sites: [ModelSite]) throws -> [Result] {
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
        let rows = [ids.count - 1]
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
            return Result(site: site, ids: ids, tokens: tokens, first: firstIDs[0], second: firstIDs[1], logRatio: plain.loss,
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
