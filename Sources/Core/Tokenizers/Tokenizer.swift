import Foundation

/// A subword tokenizer whose ids match the Hugging Face reference tokenizer of a checkpoint.
///
/// Conforming types: ``WordPieceTokenizer`` (BERT), ``UnigramTokenizer`` (XLM-R SentencePiece),
/// ``BPETokenizer`` and ``WordLevelTokenizer`` (any other `tokenizer.json`) and
/// ``SentencePieceBPETokenizer`` (GGUF); ``TokenizerLoader`` picks one from a checkpoint folder.
public protocol Tokenizer: Sendable {
    /// Tokenizes running text, adding the special tokens (`tokenizer(text)` in HF).
    func encode(text: String) -> Encoding
    /// Tokenizes treebank words one by one, adding the special tokens, and records each word's
    /// token span (`tokenizer(words, is_split_into_words=True)` in HF).
    func encode(words: [String]) -> Encoding
    /// Number of ids, added tokens included (`len(tokenizer)` in HF).
    var vocabularySize: Int { get }
    /// The id used to pad batches.
    var padID: Int { get }
    /// Every id ``encode(text:)`` and ``encode(words:)`` can produce: the vocabulary, the added
    /// tokens and the special tokens put around a sequence (checked against a model's embedding rows).
    var idRange: ClosedRange<Int> { get }
    /// The id of a vocabulary or added token string.
    func id(of token: String) -> Int?
    /// The string of an id.
    func token(of id: Int) -> String?
}
