/// An ordering of neurons, most relevant first, as a ranking method produced it.
public struct NeuronRanking: Sendable, Codable, Equatable {
    /// Which method, and whether the order is reversed ("bottom-to-top").
    public var method: RankingMethod
    public var reversed: Bool
    /// Neuron indices, best first (or worst first when `reversed`).
    public var order: [Int]
    /// The method's score per neuron (indexed by neuron), when it has one.
    public var scores: [Double]?

    public init(method: RankingMethod, order: [Int], scores: [Double]? = nil, reversed: Bool = false) {
        self.method = method
        self.order = order
        self.scores = scores
        self.reversed = reversed
    }

    /// The first `k` neurons of the order.
    public func top(_ k: Int) -> [Int] { Array(order.prefix(k)) }

    /// The bottom-to-top version: the same order read backwards.
    public var bottomToTop: NeuronRanking {
        NeuronRanking(method: method, order: order.reversed(), scores: scores, reversed: !reversed)
    }

    /// A short label such as `probeless` or `probeless↑` (bottom-to-top).
    public var name: String { method.rawValue + (reversed ? "↑" : "") }

    /// Orders neurons by descending score, ties by ascending index (deterministic).
    public static func byDescendingScore(_ scores: [Double], method: RankingMethod) -> NeuronRanking {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return NeuronRanking(method: method, order: order, scores: scores)
    }
}

/// The ranking methods of Antverg & Belinkov 2022 and Durrani et al. 2020.
public enum RankingMethod: String, Sendable, Codable, CaseIterable {
    /// Mean |weight| over labels of the elastic-net linear probe (Antverg App. A.1).
    case linear
    /// NeuroX's weight-mass ordering of the linear probe (Dalvi et al. 2019).
    case linearWeightMass = "linear-mass"
    /// Greedy selection by the Gaussian probe's mutual information (Torroba Hennigen et al. 2020).
    case gaussian
    /// Sum over value pairs of |difference of mean vectors| (Antverg eq. 1).
    case probeless
    /// A seeded random permutation.
    case random
}
