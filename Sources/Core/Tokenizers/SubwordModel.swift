/// The last stage of a tokenizer: turns one pre-tokenized piece (UTF-8 bytes) into ids.
protocol SubwordModel: Sendable {
    /// Appends the ids of `bytes[range]`.
    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into ids: inout [Int])
    /// Vocabulary strings by id (gaps hold `""`).
    var vocabulary: [String] { get }
    /// Id of each vocabulary string.
    var tokenToID: [String: Int] { get }
}

/// A vocabulary given as (token, id) pairs (`tokenizer.json`'s `vocab` object, `vocab.txt`), in the
/// three forms the models need.
struct SubwordVocabulary: Sendable {
    /// Token of each id (gaps hold `""`).
    let tokens: [String]
    /// Id of each token string, for added tokens and ``Tokenizer/id(of:)``: canonically equivalent
    /// tokens (`café` precomposed and decomposed) share one entry here, so models tokenize with
    /// ``trie``.
    let tokenToID: [String: Int]
    /// Id of each token by its exact bytes (a token listed twice: its last id, as a Rust `HashMap`).
    let trie: TokenTrie

    /// Builds the forms from (token, id) pairs with non-negative ids.
    init(entries: [(token: String, id: Int)]) {
        var tokens = [String](repeating: "", count: (entries.map(\.id).max() ?? -1) + 1)
        var tokenToID: [String: Int] = [:]
        tokenToID.reserveCapacity(entries.count)
        for (token, id) in entries {
            tokens[id] = token
            tokenToID[token] = id
        }
        self.tokens = tokens
        self.tokenToID = tokenToID
        trie = TokenTrie(keys: entries.map { (Array($0.token.utf8), Int32($0.id)) })
    }
}
