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

    /// The greedy order completed with the remaining neurons in `rest`'s order (ours: Probeless),
    /// so that a full ranking and its bottom-to-top exist even when the greedy search stopped early.
    public func completed(by rest: NeuronRanking) -> NeuronRanking {
        let chosen = Set(order)
        return NeuronRanking(method: .gaussian, order: order + rest.order.filter { !chosen.contains($0) })
    }
}
