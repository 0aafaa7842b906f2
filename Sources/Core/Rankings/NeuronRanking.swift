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

    /// Orders neurons by descending score, ties by ascending index (deterministic); NaN scores (from
    /// NaN features) come last, so the comparison stays a strict order.
    public static func byDescendingScore(_ scores: [Double], method: RankingMethod) -> NeuronRanking {
        NeuronRanking(method: method, order: descendingOrder(scores, among: Array(scores.indices)), scores: scores)
    }

    /// `indices` by descending `values[i]`, ties by ascending index, NaN values last.
    static func descendingOrder(_ values: [Double], among indices: [Int]) -> [Int] {
        indices.sorted { a, b in
            let x = values[a], y = values[b]
            if x.isNaN != y.isNaN { return y.isNaN }
            return x != y && !x.isNaN ? x > y : a < b
        }
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
