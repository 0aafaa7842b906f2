/// One sentence of a CoNLL-U file: its comments and its syntactic words in order.
public struct TreebankSentence: Sendable, Hashable {
    /// The `# sent_id`, or `"<file name>:<line>"` (the sentence's first line) when absent.
    public var id: String
    /// The `# text` comment, if present.
    public var text: String?
    /// The syntactic words in order; `words[i].id == i + 1`. Empty nodes (`8.1`) are not here.
    public var words: [TreebankWord]
    /// The multiword tokens (`3-4` ranges), kept for display.
    public var multiwordTokens: [MultiwordToken]
    /// Every comment line without its leading `#` and one space, in order (including
    /// `sent_id` and `text`).
    public var comments: [String]
    /// The 1-based line number of the sentence's first line in its file.
    public var line: Int

    /// Creates a sentence.
    public init(
        id: String, text: String? = nil, words: [TreebankWord],
        multiwordTokens: [MultiwordToken] = [], comments: [String] = [], line: Int = 0
    ) {
        self.id = id
        self.text = text
        self.words = words
        self.multiwordTokens = multiwordTokens
        self.comments = comments
        self.line = line
    }
}
