/// What `workbench data` reports for one language: files, split sizes, and per attribute the
/// values with token and type counts and what was dropped.
public struct LanguageSummary: Sendable, Codable {
    /// One file of the corpus.
    public struct FileSummary: Sendable, Hashable, Codable {
        public var treebank: String
        public var file: String
        public var originalSplit: DataSplit
        public var sentences: Int
        public var words: Int
        /// Sentences of this file assigned to each split.
        public var sentencesBySplit: SplitCounts
        /// What the reader left out, by reason (`empty node`: 12).
        public var readerDropped: [String: Int]
    }

    public var language: String
    /// Treebanks pooled (`English-EWT`).
    public var treebanks: [String]
    /// Every treebank of the language under the UD root, chosen or not.
    public var availableTreebanks: [String]
    public var recipe: SplitRecipe
    /// ``SplitRecipe/description``.
    public var split: String
    public var files: [FileSummary]
    public var sentences: SplitCounts
    public var words: SplitCounts
    public var settings: DatasetSettings
    /// One entry per attribute in `settings.attributes`.
    public var attributes: [AttributeStatistics]
    /// UD features that yield no UniMorph value, most frequent first.
    public var mappingDrops: [MappingDropCount]
}
