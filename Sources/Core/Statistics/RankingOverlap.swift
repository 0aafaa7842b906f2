/// Overlap of the top-n neurons of several rankings: how many neurons all of them put first
/// (Antverg & Belinkov 2022, §2.3, Figs. 1–2: top-100 overlaps between rankings and languages).
///
/// A ranking is a list of neuron indices, best first (Probing's `NeuronRanking.order`); only its first n
/// entries matter and they must be distinct. Compare the sizes with `ExpectedOverlap`.
///
/// ```swift
/// let overlap = RankingOverlap([linear.order, gaussian.order, probeless.order], top: 100)
/// overlap[0, 2]          // |top100(linear) ∩ top100(probeless)|
/// overlap.common.count   // neurons in all three
/// ```
public struct RankingOverlap: Sendable, Equatable {
    /// The n of "top n".
    public let top: Int
    /// Pairwise overlap sizes: `matrix[a][b]` = |top-n(a) ∩ top-n(b)|; the diagonal is n.
    public let matrix: [[Int]]
    /// The neurons in the top n of every ranking, ascending.
    public let common: [Int]

    /// Number of rankings compared.
    public var count: Int { matrix.count }

    /// The overlap size of rankings `a` and `b`.
    public subscript(a: Int, b: Int) -> Int { matrix[a][b] }

    /// Compares the top `top` neurons of each ranking.
    ///
    /// - Parameters:
    ///   - rankings: neuron indices best first; each must have at least `top` entries.
    ///   - top: n ≥ 0.
    public init(_ rankings: [[Int]], top: Int) {
        let sets = rankings.map { Self.topSet($0, top) }
        self.top = top
        matrix = sets.map { a in sets.map { b in a.count <= b.count ? a.intersection(b).count : b.intersection(a).count } }
        common = sets.isEmpty ? [] : sets.dropFirst().reduce(sets[0]) { $0.intersection($1) }.sorted()
    }

    /// The neurons in the top `top` of every ranking, ascending.
    public static func intersection(_ rankings: [[Int]], top: Int) -> [Int] {
        guard let first = rankings.first else { return [] }
        return rankings.dropFirst().reduce(topSet(first, top)) { $0.intersection(topSet($1, top)) }.sorted()
    }

    /// |top-n(r₁) ∩ … ∩ top-n(rᵢ)|: how many neurons are in the top `top` of all `rankings`.
    public static func size(_ rankings: [[Int]], top: Int) -> Int {
        intersection(rankings, top: top).count
    }

    /// The first `top` entries of a ranking as a set, checking they exist and are distinct.
    static func topSet(_ ranking: [Int], _ top: Int) -> Set<Int> {
        precondition(top >= 0 && top <= ranking.count,
                     "RankingOverlap: top \(top) exceeds a ranking of \(ranking.count) neurons")
        let set = Set(ranking.prefix(top))
        precondition(set.count == top, "RankingOverlap: a ranking repeats a neuron within its top \(top)")
        return set
    }
}
