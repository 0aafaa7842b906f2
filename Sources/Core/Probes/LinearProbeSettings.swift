/// Hyper-parameters of the elastic-net linear probe, with the presets of the papers' code.
public struct LinearProbeSettings: Sendable, Hashable, Codable {
    /// Weight of Σ|W| (L1).
    public var lambda1: Float
    /// Weight of sqrt(ΣW²) (L2, not squared, as in NeuroX and the Pitfalls code).
    public var lambda2: Float
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var seed: UInt64
    /// Visit training examples in a seeded random order each epoch (NeuroX keeps file order).
    public var shuffle: Bool

    public init(lambda1: Float, lambda2: Float, epochs: Int = 10, batchSize: Int = 32,
                learningRate: Float, seed: UInt64 = 1, shuffle: Bool) {
        self.lambda1 = lambda1
        self.lambda2 = lambda2
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.shuffle = shuffle
    }

    /// Antverg & Belinkov's code: λ1 = 0.001, λ2 = 0.01, 10 epochs, batch 32, lr 0.01, seed 1
    /// (shuffling each epoch is our choice).
    public static let pitfalls = LinearProbeSettings(lambda1: 0.001, lambda2: 0.01, learningRate: 0.01, shuffle: true)
    /// NeuroX's example settings: λ1 = λ2 = 0.001, lr 0.001, batch 32, 10 epochs, no shuffling.
    public static let neurox = LinearProbeSettings(lambda1: 0.001, lambda2: 0.001, learningRate: 0.001, shuffle: false)

    /// The same settings with other regularisation weights (Durrani's grid search).
    public func with(lambda1: Float, lambda2: Float) -> LinearProbeSettings {
        var copy = self
        copy.lambda1 = lambda1
        copy.lambda2 = lambda2
        return copy
    }
}
