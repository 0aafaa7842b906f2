/// What the greedy Gaussian ranking chose, step by step.
public struct GaussianRankingResult: Sendable, Equatable, Codable {
    /// Chosen neurons, first chosen first (at most `maxNeurons` of them).
    public var order: [Int]
    /// Mutual information (bits) on the evaluation split of the probe restricted to `order[0...i]`.
    public var mutualInformation: [Double]
    /// Accuracy on the evaluation split of the probe restricted to `order[0...i]`.
    public var accuracy: [Double]

    public init(order: [Int], mutualInformation: [Double], accuracy: [Double]) {
        self.order = order
        self.mutualInformation = mutualInformation
        self.accuracy = accuracy
    }

    /// The order as a ``NeuronRanking`` (method `.gaussian`; only the chosen neurons).
    public var ranking: NeuronRanking { NeuronRanking(method: .gaussian, order: order) }
}
