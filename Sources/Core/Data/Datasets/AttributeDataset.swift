import Foundation

/// The probing task of one attribute in one language: labelled words per split.
///
/// Feed the extractor ``files`` in order, then turn each split into cache rows with
/// ``rows(for:rowOfSentence:)``.
public struct AttributeDataset: Sendable {
    public var language: String
    public var attribute: UniMorphAttribute
    /// The label names (UniMorph values, sorted); an example's `label` indexes this.
    public var labels: [String]
    /// The labelled words of each split.
    public var examples: PerSplit<[AttributeExample]>
    public var train: [AttributeExample] { get { examples.train } set { examples.train = newValue } }
    public var dev: [AttributeExample] { get { examples.dev } set { examples.dev = newValue } }
    public var test: [AttributeExample] { get { examples.test } set { examples.test = newValue } }
    /// The CoNLL-U files the examples come from, in extraction order.
    public var files: [URL]
    public var provenance: DatasetProvenance

    /// Creates a dataset.
    public init(
        language: String, attribute: UniMorphAttribute, labels: [String], train: [AttributeExample],
        dev: [AttributeExample], test: [AttributeExample], files: [URL], provenance: DatasetProvenance
    ) {
        self.language = language
        self.attribute = attribute
        self.labels = labels
        self.examples = PerSplit(train: train, dev: dev, test: test)
        self.files = files
        self.provenance = provenance
    }

    /// The examples of one split.
    public subscript(split: DataSplit) -> [AttributeExample] {
        get { examples[split] }
        set { examples[split] = newValue }
    }

    /// Whether at least two labels survive, i.e. there is something to probe.
    public var isTask: Bool { labels.count >= 2 }

    /// Example counts per label in `split`.
    public func labelCounts(_ split: DataSplit) -> [Int] {
        var counts = Array(repeating: 0, count: labels.count)
        for example in self[split] { counts[example.label] += 1 }
        return counts
    }

    /// The examples of `split` as activation-cache rows and labels.
    ///
    /// - Parameter rowOfSentence: (file name, sentence id) → the cache row of that sentence's
    ///   first word, or `nil` when the extractor skipped it (see ``SentenceRowIndex``).
    /// - Returns: rows and labels in example order, and how many examples fell out.
    public func rows(for split: DataSplit, rowOfSentence: (String, String) -> Int?) -> AlignedExamples {
        let examples = self[split]
        var rows: [Int] = []
        var labels: [Int] = []
        rows.reserveCapacity(examples.count)
        labels.reserveCapacity(examples.count)
        var dropped = 0
        var cachedKey: (String, String)?
        var cachedRow: Int?
        for example in examples {
            if cachedKey?.0 != example.fileName || cachedKey?.1 != example.sentenceID {
                cachedKey = (example.fileName, example.sentenceID)
                cachedRow = rowOfSentence(example.fileName, example.sentenceID)
            }
            guard let first = cachedRow else {
                dropped += 1
                continue
            }
            rows.append(first + example.wordIndex)
            labels.append(example.label)
        }
        return AlignedExamples(rows: rows, labels: labels, labelNames: self.labels, droppedForSkippedSentences: dropped)
    }
}
