/// HF's `WordLevel` model: each pre-tokenized piece is one vocabulary entry, or the unknown token.
///
/// Pieces are looked up by their UTF-8 bytes (as Rust compares strings), not as Swift `String`s,
/// whose equality is canonical equivalence.
struct WordLevelModel: SubwordModel {
    let vocabulary: [String]
    let tokenToID: [String: Int]
    /// Id of the unknown token.
    let unknownID: Int
    /// Every entry by its bytes.
    private let entries: TokenTrie

    /// Builds the model.
    ///
    /// - Parameters:
    ///   - vocabulary: the entries; ids need not be dense.
    ///   - unknownID: id of the unknown token.
    init(vocabulary: SubwordVocabulary, unknownID: Int) {
        self.vocabulary = vocabulary.tokens
        self.tokenToID = vocabulary.tokenToID
        self.unknownID = unknownID
        entries = vocabulary.trie
    }

    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into ids: inout [Int]) {
        if range.isEmpty { return }
        ids.append(entries.lookup(bytes[range]).map(Int.init) ?? unknownID)
    }
}
