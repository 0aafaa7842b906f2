import Kernels
/// Rankings read off a trained linear probe's weights.
public enum LinearRanking {
    /// Antverg & Belinkov App. A.1: score_d = mean over labels of |W[label, d]|, descending.
    public static func meanAbsoluteWeight(_ probe: LinearProbe) -> NeuronRanking {
        let c = probe.classCount, d = probe.featureCount
        var scores = [Double](repeating: 0, count: d)
        for label in 0..<c { for j in 0..<d { scores[j] += Double(abs(probe.weights[label, j])) } }
        return NeuronRanking.byDescendingScore(scores.map { $0 / Double(c) }, method: .linear)
    }

    /// Dalvi et al. 2019 / NeuroX `get_neuron_ordering`: for p = 0, 1/S, …, 1, each label contributes
    /// its heaviest neurons until their cumulative |w| reaches p·Σ|w_label| (at least one); neurons new
    /// to the union are appended, ties inside a step broken by mean |w|, then by index.
    ///
    /// - Parameter searchStride: S, the number of steps of p (NeuroX default 100).
    public static func weightMass(_ probe: LinearProbe, searchStride: Int = 100) -> NeuronRanking {
        weightMass(weights: probe.weights, searchStride: searchStride)
    }

    /// ``weightMass(_:searchStride:)`` on a raw [labels, neurons] weight matrix.
    public static func weightMass(weights: Tensor, searchStride: Int = 100) -> NeuronRanking {
        let c = weights.rows, d = weights.columns
        let score = meanAbsoluteWeight(LinearProbe(weights: weights, bias: Array(repeating: 0, count: c), settings: .pitfalls)).scores!
        var perLabel: [(order: [Int], cumulative: [Double], total: Double)] = []
        for label in 0..<c {
            let magnitudes = (0..<d).map { Double(abs(weights[label, $0])) }
            let order = NeuronRanking.descendingOrder(magnitudes, among: Array(0..<d))
            var running = 0.0
            let cumulative = order.map { running += magnitudes[$0]; return running }
            perLabel.append((order, cumulative, running))
        }
        var ordering: [Int] = [], seen = Set<Int>()
        for step in 0...max(searchStride, 1) {
            let fraction = Double(step) / Double(max(searchStride, 1))
            var fresh = Set<Int>()
            for label in perLabel {
                let target = fraction * label.total
                var count = 1
                while count < d && label.cumulative[count - 1] < target { count += 1 }
                for neuron in label.order.prefix(count) where !seen.contains(neuron) { fresh.insert(neuron) }
            }
            let added = NeuronRanking.descendingOrder(score, among: Array(fresh))
            ordering += added
            seen.formUnion(added)
        }
        // Neurons with zero weight everywhere never enter; append them by index so the order is complete.
        ordering += (0..<d).filter { !seen.contains($0) }
        return NeuronRanking(method: .linearWeightMass, order: ordering, scores: score)
    }
}
