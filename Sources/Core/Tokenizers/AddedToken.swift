/// A token matched in the text before the model runs (`added_tokens` in `tokenizer.json`):
/// special tokens such as `[CLS]`, `<mask>`, and tokens added after training.
struct AddedToken: Sendable {
    /// The token's text.
    var content: String
    /// Its id.
    var id: Int
    /// Only match when not inside a word.
    var singleWord = false
    /// Swallow whitespace on the left.
    var leftStrip = false
    /// Swallow whitespace on the right.
    var rightStrip = false
    /// Match against normalized text (rather than raw input).
    var normalized = false
    /// A special token (`[CLS]`, `<s>`, …).
    var special = true
}
