import Statistics

extension RankingOverlap {
    /// Compares the top `top` neurons of each `NeuronRanking` (in their own order, reversed or not).
    public init(_ rankings: [NeuronRanking], top: Int) {
        self.init(rankings.map(\.order), top: top)
    }
}
