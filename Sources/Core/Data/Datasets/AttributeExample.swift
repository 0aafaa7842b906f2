/// One word of an attribute task: where it is, and its label.
///
/// The word is identified as the activation cache stores it: by file name, sentence id and
/// position in the sentence's syntactic ``TreebankSentence/words``.
public struct AttributeExample: Sendable, Hashable, Codable {
    /// The CoNLL-U file's name (`en_ewt-ud-dev.conllu`).
    public var fileName: String
    /// The sentence's id (``TreebankSentence/id``).
    public var sentenceID: String
    /// The sentence's index within its file.
    public var sentenceIndex: Int
    /// The 0-based index into the sentence's `words`.
    public var wordIndex: Int
    /// The word form (its type, for control tasks and type counts).
    public var form: String
    /// The index into ``AttributeDataset/labels``.
    public var label: Int

    /// Creates an example.
    public init(fileName: String, sentenceID: String, sentenceIndex: Int, wordIndex: Int, form: String, label: Int) {
        self.fileName = fileName
        self.sentenceID = sentenceID
        self.sentenceIndex = sentenceIndex
        self.wordIndex = wordIndex
        self.form = form
        self.label = label
    }
}
