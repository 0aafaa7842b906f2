/// One CoNLL-U file of a ``LanguageCorpus`` with the split of each of its sentences.
public struct CorpusFile: Sendable {
    /// The treebank it belongs to (`EWT`).
    public var treebank: String
    /// The split its file name declares (`dev` for `en_ewt-ud-dev.conllu`).
    public var originalSplit: DataSplit
    /// The parsed file.
    public var contents: TreebankFile
    /// The split of each sentence, parallel to `contents.sentences`.
    public var sentenceSplits: [DataSplit]

    /// Creates a corpus file.
    public init(treebank: String, originalSplit: DataSplit, contents: TreebankFile, sentenceSplits: [DataSplit]) {
        precondition(sentenceSplits.count == contents.sentences.count,
            "\(sentenceSplits.count) splits for \(contents.sentences.count) sentences")
        self.treebank = treebank
        self.originalSplit = originalSplit
        self.contents = contents
        self.sentenceSplits = sentenceSplits
    }

    /// The file's name, the key used to align with activation caches.
    public var name: String { contents.name }
}
