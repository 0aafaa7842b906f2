import Foundation
import Plotting

/// Scores a causal model on agreement pairs: accuracy per condition is the share of pairs whose
/// agreeing verb gets the higher probability after the prefix (Linzen et al. 2016; Lakretz et al. 2019).
public struct AgreementScorer: Sendable {
    /// One condition's result.
    public struct ConditionScore: Sendable, Equatable, Codable {
        public var condition: String
        public var pairs: Int
        public var correct: Int
        /// Pairs left out: longer than the model reads.
        public var skipped: Int = 0
        /// Mean of log p(correct) − log p(wrong), nats.
        public var meanLogRatio: Double
        public var accuracy: Double { pairs == 0 ? 0 : Double(correct) / Double(pairs) }
    }

    public let predictor: NextTokenPredictor

    public init(predictor: NextTokenPredictor) { self.predictor = predictor }

    /// Pairs scored in one run of the model (both verbs of each).
    public var pairsPerBatch = 16

    /// log p(correct) − log p(wrong) for each pair.
    public func logRatios(_ pairs: [AgreementPair]) throws -> [Double] {
        let scored = try predictor.continuations(pairs.flatMap { [($0.correct, $0.prefix), ($0.wrong, $0.prefix)] })
        return pairs.indices.map { scored[2 * $0].logProbability - scored[2 * $0 + 1].logProbability }
    }

    /// Scores every pair, condition by condition in the order they first appear.
    ///
    /// - Parameter progress: called after each batch with the pairs done in it.
    public func score(_ pairs: [AgreementPair], progress: (Int) -> Void = { _ in }) throws -> [ConditionScore] {
        var order: [String] = [], scores: [String: ConditionScore] = [:]
        for start in stride(from: 0, to: pairs.count, by: max(1, pairsPerBatch)) {
            let chunk = Array(pairs[start..<min(pairs.count, start + max(1, pairsPerBatch))])
            // A pair too long for the model is left out and counted; the rest of its batch is scored.
            var ratios: [Double?]
            do { ratios = try logRatios(chunk) } catch NextTokenPredictor.PredictorError.tooLong {
                ratios = chunk.map { pair in
                    do { return try logRatios([pair])[0] } catch { return nil }
                }
            }
            for (pair, ratio) in zip(chunk, ratios) {
                if scores[pair.condition] == nil {
                    order.append(pair.condition)
                    scores[pair.condition] = ConditionScore(condition: pair.condition, pairs: 0, correct: 0, meanLogRatio: 0)
                }
                var score = scores[pair.condition]!
                guard let ratio else {
                    score.skipped += 1
                    scores[pair.condition] = score
                    continue
                }
                score.meanLogRatio = (score.meanLogRatio * Double(score.pairs) + ratio) / Double(score.pairs + 1)
                score.pairs += 1
                if ratio > 0 { score.correct += 1 }
                scores[pair.condition] = score
            }
            progress(chunk.count)
        }
        return order.map { scores[$0]! }
    }

    /// Accuracy per condition as bars (SVG and terminal), chance at 50%.
    public static func figure(_ scores: [ConditionScore], model: String) -> BarChart {
        BarChart(categories: scores.map(\.condition),
                 series: [.init("accuracy", values: scores.map { $0.accuracy * 100 })],
                 title: "\(model): number agreement (pairs where the agreeing verb is likelier)",
                 y: Axis("accuracy (%)", range: 0...100), legend: .hidden, showsValues: true)
    }
}
