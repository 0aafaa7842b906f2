/// The output of a tokenizer: ids with the model's special tokens, their strings and, for
/// pre-tokenized input, which ids each input word became.
public struct Encoding: Sendable, Equatable {
    /// Token ids, special tokens (`[CLS]`, `<s>`, …) included.
    public var ids: [Int]
    /// The vocabulary string of each id (`[UNK]`/`<unk>` for unknown pieces).
    public var tokens: [String]
    /// For `encode(words:)`, the `[start, end)` range of `ids` each input word produced; a word that
    /// produced no token gets an empty range at the position it would have had. Empty for
    /// `encode(text:)`.
    public var wordSpans: [Range<Int>]

    /// Creates an encoding from its parts.
    public init(ids: [Int], tokens: [String], wordSpans: [Range<Int>] = []) {
        self.ids = ids
        self.tokens = tokens
        self.wordSpans = wordSpans
    }
}
