/// The values of one attribute in one language's corpus, with what survives filtering.
public struct AttributeStatistics: Sendable, Hashable, Codable {
    /// The attribute.
    public var attribute: UniMorphAttribute
    /// Every value seen, most frequent first.
    public var values: [ValueStatistics]
    /// Words whose value for this attribute was dropped because two features disagreed.
    public var conflicts: SplitCounts
    /// Words that carry no value of this attribute (outside the task).
    public var wordsWithout: SplitCounts
    /// The threshold applied.
    public var minTypes: Int
    /// Whether enough values survive for this to be a task.
    public var isTask: Bool

    /// Creates attribute statistics.
    public init(
        attribute: UniMorphAttribute, values: [ValueStatistics], conflicts: SplitCounts,
        wordsWithout: SplitCounts, minTypes: Int, isTask: Bool
    ) {
        self.attribute = attribute
        self.values = values
        self.conflicts = conflicts
        self.wordsWithout = wordsWithout
        self.minTypes = minTypes
        self.isTask = isTask
    }

    /// The surviving values, most frequent first.
    public var keptValues: [ValueStatistics] { values.filter(\.kept) }
    /// The values removed by the type threshold.
    public var droppedValues: [ValueStatistics] { values.filter { !$0.kept } }
    /// Words whose value survives: the examples of the task.
    public var examples: SplitCounts { keptValues.reduce(SplitCounts()) { $0 + $1.tokens } }
    /// Words whose value was removed by the threshold.
    public var wordsWithDroppedValue: SplitCounts { droppedValues.reduce(SplitCounts()) { $0 + $1.tokens } }
}
