import Testing
@testable import Statistics
@testable import Probing
@testable import Analysis

@Suite("Ranking overlap")
struct RankingOverlapTests {
    static let a = [0, 1, 2, 3, 4, 5, 6, 7]
    static let b = [3, 2, 9, 8, 0, 1, 4, 5]
    static let c = [9, 3, 0, 7, 1, 2, 4, 5]

    @Test("pairwise matrix and common neurons of the top 4")
    func matrix() {
        let overlap = RankingOverlap([Self.a, Self.b, Self.c], top: 4)
        // top4: a {0,1,2,3}, b {3,2,9,8}, c {9,3,0,7}
        #expect(overlap.matrix == [[4, 2, 2], [2, 4, 2], [2, 2, 4]])
        #expect(overlap[0, 1] == 2)
        #expect(overlap.common == [3])
        #expect(overlap.count == 3 && overlap.top == 4)
    }

    @Test("size and intersection of several rankings; top 0 and full length")
    func size() {
        #expect(RankingOverlap.size([Self.a, Self.b], top: 4) == 2)
        #expect(RankingOverlap.intersection([Self.a, Self.b, Self.c], top: 6) == [0, 1, 2, 3])
        #expect(RankingOverlap.size([Self.a, Self.b, Self.c], top: 0) == 0)
        #expect(RankingOverlap.size([Self.a, Self.c], top: 8) == 7)
        #expect(RankingOverlap.size([Self.a], top: 5) == 5)
    }

    @Test("NeuronRanking orders are compared as given (bottom-to-top reads backwards)")
    func neuronRankings() {
        let ranking = NeuronRanking(method: .probeless, order: Self.a)
        let overlap = RankingOverlap([ranking, ranking.bottomToTop], top: 4)
        #expect(overlap[0, 1] == 0)
        #expect(RankingOverlap([ranking, ranking.bottomToTop], top: 5)[0, 1] == 2)
    }
}
