/// The counts of one attribute value, per split, and whether it survives filtering.
public struct ValueStatistics: Sendable, Hashable, Codable {
    /// The UniMorph value (`PL`, `IN+ESS`).
    public var value: String
    /// Words carrying it.
    public var tokens: SplitCounts
    /// Distinct word forms carrying it.
    public var types: SplitCounts
    /// Whether it has at least `minTypes` types in every split.
    public var kept: Bool

    /// Creates value statistics.
    public init(value: String, tokens: SplitCounts, types: SplitCounts, kept: Bool) {
        self.value = value
        self.tokens = tokens
        self.types = types
        self.kept = kept
    }
}
