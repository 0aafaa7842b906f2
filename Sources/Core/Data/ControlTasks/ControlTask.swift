import Support
/// A control task (Hewitt & Liang 2019): every word type gets a fixed random label, the same in
/// every split, so a probe can only succeed by memorising types.
///
/// A type's label is drawn from its own generator,
/// `SplitMix64(seed: FNV-1a64(type; basis FNV-1a64("control-task")) ^ SplitMix64(seed: seed).next())`,
/// so it does not depend on which other types exist or in which order they are met: a type never
/// seen before gets a fresh draw from the same distribution, and a rerun with the same seed gives
/// the same labels.
///
/// - ``Sampler/uniform``: uniform over the label set (Antverg & Belinkov 2022).
/// - ``Sampler/empirical``: from the task's empirical label distribution (Durrani et al. 2020,
///   as in Hewitt & Liang's own construction).
public struct ControlTask: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How labels are drawn.
    public enum Sampler: String, Sendable, Hashable, Codable, CaseIterable {
        case uniform
        case empirical
    }

    public var sampler: Sampler
    public var seed: UInt64
    /// The probability of each label (uniform: `1/K` each).
    public var distribution: [Double]

    /// Uniform over `labelCount` labels.
    public static func uniform(labelCount: Int, seed: UInt64) -> ControlTask {
        precondition(labelCount > 0, "a control task needs at least one label, got \(labelCount)")
        return ControlTask(
            sampler: .uniform, seed: seed,
            distribution: Array(repeating: 1 / Double(labelCount), count: labelCount))
    }

    /// From the empirical distribution given by label `counts` (usually training tokens).
    public static func empirical(counts: [Int], seed: UInt64) -> ControlTask {
        let total = counts.reduce(0, +)
        precondition(total > 0 && counts.allSatisfy { $0 >= 0 }, "empirical counts must be non-negative with a positive sum: \(counts)")
        return ControlTask(sampler: .empirical, seed: seed, distribution: counts.map { Double($0) / Double(total) })
    }

    private init(sampler: Sampler, seed: UInt64, distribution: [Double]) {
        self.sampler = sampler
        self.seed = seed
        self.distribution = distribution
    }

    /// The number of labels.
    public var labelCount: Int { distribution.count }

    /// The fixed label of a word type (seen before or not).
    public func label(for type: String) -> Int {
        var seedMixer = SplitMix64(seed: seed)
        var generator = SplitMix64(seed: StableHash.fnv1a64(type, seed: Self.domain) ^ seedMixer.next())
        let u = generator.nextUnitDouble()
        if sampler == .uniform {
            return min(Int(u * Double(labelCount)), labelCount - 1)
        }
        var cumulative = 0.0
        for (label, probability) in distribution.enumerated() {
            cumulative += probability
            if u < cumulative { return label }
        }
        // Rounding left u above the last cumulative sum: the last label with mass.
        return distribution.lastIndex(where: { $0 > 0 }) ?? labelCount - 1
    }

    /// The labels of many types at once.
    public func labels<Types: Sequence<String>>(for types: Types) -> [String: Int] {
        var result: [String: Int] = [:]
        for type in types where result[type] == nil { result[type] = label(for: type) }
        return result
    }

    /// Separates control-task hashes from split hashes of the same strings.
    private static let domain = StableHash.fnv1a64("control-task")

    public var description: String {
        "control task (\(sampler) over \(labelCount) labels, seed \(seed))"
    }
}
