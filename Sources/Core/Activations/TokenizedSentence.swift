/// A treebank sentence ready for the encoder: its words' token ids and the span of each word.
public struct TokenizedSentence: Sendable {
    /// Index of the corpus file the sentence came from.
    public var fileIndex: Int
    /// `sent_id` of the sentence.
    public var id: String
    /// Token ids with special tokens.
    public var ids: [Int]
    /// Per word, its rows in `ids`; never empty (see ``substitutedWords``).
    public var wordSpans: [Range<Int>]
    /// Words the tokenizer turned into no token at all; each was given the unknown token instead.
    public var substitutedWords: Int

    public init(fileIndex: Int, id: String, ids: [Int], wordSpans: [Range<Int>], substitutedWords: Int = 0) {
        self.fileIndex = fileIndex
        self.id = id
        self.ids = ids
        self.wordSpans = wordSpans
        self.substitutedWords = substitutedWords
    }
}
