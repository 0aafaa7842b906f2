import Foundation
import Testing
@testable import Kernels
@testable import Probing
@testable import Analysis

@Suite("Rankings")
struct RankingTests {
    @Test("NeuroX weight-mass oracle: W = [[4,1,5],[1,1,10]] gives [2, 0, 1]")
    func weightMassOracle() {
        let weights = Tensor(shape: [2, 3], scalars: [4, 1, 5, 1, 1, 10])
        #expect(LinearRanking.weightMass(weights: weights).order == [2, 0, 1])
    }

    @Test("mean |weight| ranking by hand")
    func meanAbsoluteWeight() {
        let probe = LinearProbe(weights: Tensor(shape: [2, 3], scalars: [4, -1, 5, -1, 1, -10]), bias: [0, 0], settings: .pitfalls)
        let ranking = LinearRanking.meanAbsoluteWeight(probe)
        #expect(ranking.order == [2, 0, 1])
        #expect(ranking.scores == [2.5, 1, 7.5])
        #expect(ranking.bottomToTop.order == [1, 0, 2])
        #expect(ranking.bottomToTop.name == "linear↑")
    }

    @Test("Probeless by hand: Σ over value pairs of |mean difference|")
    func probeless() {
        // Three values; neuron 0 separates all, neuron 1 only value 2, neuron 2 nothing.
        let x = Tensor(shape: [6, 3], scalars: [0, 0, 1,  0, 0, 1,  2, 0, 1,  2, 0, 1,  5, 3, 1,  5, 3, 1])
        let ranking = ProbelessRanking.rank(features: x, labels: [0, 0, 1, 1, 2, 2], classCount: 3)
        // neuron 0: |0-2| + |0-5| + |2-5| = 10; neuron 1: 0 + 3 + 3 = 6; neuron 2: 0.
        #expect(ranking.scores == [10, 6, 0])
        #expect(ranking.order == [0, 1, 2])
    }

    @Test("Probeless binary case is the absolute difference of the two means")
    func probelessBinary() {
        let x = Tensor(shape: [4, 2], scalars: [1, 4, 3, 4, 0, 0, 2, 1])
        let ranking = ProbelessRanking.rank(features: x, labels: [0, 0, 1, 1], classCount: 2)
        #expect(ranking.scores == [1, 3.5])
    }

    @Test("random rankings are seeded permutations")
    func random() {
        let a = RandomRanking.rank(neuronCount: 50, seed: 1), b = RandomRanking.rank(neuronCount: 50, seed: 1)
        #expect(a == b)
        #expect(Set(a.order) == Set(0..<50))
        #expect(RandomRanking.rank(neuronCount: 50, seed: 2).order != a.order)
    }
}
