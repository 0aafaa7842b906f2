/// The examples of one split as activation-cache rows and labels, ready for a probe.
public struct AlignedExamples: Sendable, Hashable {
    /// The cache row of each example's word.
    public var rows: [Int]
    /// Each example's label, parallel to `rows`.
    public var labels: [Int]
    /// The label names; `labels` index into it.
    public var labelNames: [String]
    /// Examples left out because the extractor skipped their sentence (e.g. too long).
    public var droppedForSkippedSentences: Int

    /// Creates aligned examples.
    public init(rows: [Int], labels: [Int], labelNames: [String], droppedForSkippedSentences: Int) {
        precondition(rows.count == labels.count, "\(rows.count) rows for \(labels.count) labels")
        self.rows = rows
        self.labels = labels
        self.labelNames = labelNames
        self.droppedForSkippedSentences = droppedForSkippedSentences
    }

    /// The number of examples.
    public var count: Int { rows.count }
}
