import Support
/// How sentences are assigned to train/dev/test; recorded in every dataset's provenance.
///
/// - ``Method/original``: each sentence keeps the split of the file it comes from.
/// - ``Method/hashed``: every sentence of the chosen treebanks is re-assigned from its `sent_id`
///   alone: `u = SplitMix64(seed: FNV-1a64(sent_id) ^ SplitMix64(seed: seed).next()).next()`,
///   read as a fraction of 2⁶⁴ (top 53 bits); train if `u < train`, dev if `u < train + dev`,
///   test otherwise. The assignment is the same on every machine and run, independent of file
///   order, and parallel (PUD) sentences with the same id fall into the same split everywhere.
public struct SplitRecipe: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How splits are obtained.
    public enum Method: String, Sendable, Hashable, Codable {
        /// The treebank's own train/dev/test files.
        case original
        /// A deterministic re-split by a stable hash of `sent_id`.
        case hashed
    }

    public var method: Method
    /// The seed mixed into the hash (hashed only).
    public var seed: UInt64
    /// The train, dev and test fractions (hashed only); they sum to 1.
    public var train: Double
    public var dev: Double
    public var test: Double

    /// Keep the treebanks' own splits.
    public static let original = SplitRecipe(method: .original, seed: 0, train: 0, dev: 0, test: 0)

    /// The re-split ``hashed(seed:train:dev:test:)`` makes when given nothing: seed 0, 80/10/10.
    public static let defaultHashed = SplitRecipe(method: .hashed, seed: 0, train: 0.8, dev: 0.1, test: 0.1)

    /// Re-split by hash; seed and fractions default to ``defaultHashed``'s.
    ///
    /// - Throws: ``CorpusError/badSplitFractions(_:)`` unless the fractions are non-negative
    ///   and sum to 1 (±1e-6).
    public static func hashed(seed: UInt64 = defaultHashed.seed, train: Double = defaultHashed.train,
                              dev: Double = defaultHashed.dev, test: Double = defaultHashed.test) throws -> SplitRecipe {
        guard train >= 0, dev >= 0, test >= 0, abs(train + dev + test - 1) < 1e-6 else {
            throw CorpusError.badSplitFractions("\(train)/\(dev)/\(test) must be non-negative and sum to 1")
        }
        return SplitRecipe(method: .hashed, seed: seed, train: train, dev: dev, test: test)
    }

    /// The fractions as whole percentages, `80/10/10` (usage texts).
    public var percentages: String {
        [train, dev, test].map { String(Int(($0 * 100).rounded())) }.joined(separator: "/")
    }

    private init(method: Method, seed: UInt64, train: Double, dev: Double, test: Double) {
        self.method = method
        self.seed = seed
        self.train = train
        self.dev = dev
        self.test = test
    }

    /// The hash point in `[0, 1)` of a sentence id (see the type's documentation).
    public func unitValue(forSentenceID id: String) -> Double {
        var seedMixer = SplitMix64(seed: seed)
        var generator = SplitMix64(seed: StableHash.fnv1a64(id) ^ seedMixer.next())
        return generator.nextUnitDouble()
    }

    /// The split of a sentence under a hashed recipe.
    ///
    /// - Precondition: `method == .hashed` (an original split comes from the file).
    public func split(forSentenceID id: String) -> DataSplit {
        precondition(method == .hashed, "split(forSentenceID:) needs a hashed recipe, not \(method)")
        let u = unitValue(forSentenceID: id)
        if u < train { return .train }
        if u < train + dev { return .dev }
        return .test
    }

    /// A sentence for reports, e.g. "re-split 80/10/10 by FNV-1a 64 of sent_id, seed 0".
    public var description: String {
        switch method {
        case .original:
            return "original treebank splits"
        case .hashed:
            func percent(_ x: Double) -> String {
                let p = x * 100
                return p == p.rounded() ? String(Int(p)) : String(format: "%.1f", p)
            }
            return "re-split \(percent(train))/\(percent(dev))/\(percent(test)) by FNV-1a 64 of sent_id mixed with SplitMix64, seed \(seed)"
        }
    }
}
