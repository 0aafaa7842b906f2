import Support
/// A seeded random permutation of the neurons: the baseline every ranking must beat.
public enum RandomRanking {
    public static func rank(neuronCount: Int, seed: UInt64) -> NeuronRanking {
        var random = SplitMix64(seed: seed)
        var order = Array(0..<neuronCount)
        order.shuffle(using: &random)
        return NeuronRanking(method: .random, order: order)
    }
}
