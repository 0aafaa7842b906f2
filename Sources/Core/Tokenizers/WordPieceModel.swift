/// BERT's WordPiece: greedy longest-match-first over the vocabulary, with a continuation prefix
/// (`##`) on every piece after the first (Wu et al. 2016, §4.1; HF `models::wordpiece`).
///
/// A word longer than `maxInputCharsPerWord` Unicode scalars, or one that cannot be covered by
/// pieces, becomes the single unknown token.
struct WordPieceModel: SubwordModel {
    let vocabulary: [String]
    let tokenToID: [String: Int]
    /// Id of the unknown token.
    let unknownID: Int
    /// Longest word (in scalars) that is split; longer ones become unknown.
    let maxInputCharsPerWord: Int
    /// Trie of every vocabulary entry (pieces that start a word).
    private let initialPieces: TokenTrie
    /// Trie of the entries that start with the continuation prefix, prefix removed.
    private let continuationPieces: TokenTrie

    /// Builds the model.
    ///
    /// - Parameters:
    ///   - entries: vocabulary as (token, id); ids need not be dense.
    ///   - unknownID: id of the unknown token (must be in the vocabulary).
    ///   - continuationPrefix: marker of non-initial pieces, `##` for BERT.
    ///   - maxInputCharsPerWord: 100 for BERT.
    init(entries: [(token: String, id: Int)], unknownID: Int, continuationPrefix: String, maxInputCharsPerWord: Int) {
        let vocabulary = SubwordVocabulary(entries: entries)
        self.vocabulary = vocabulary.tokens
        self.tokenToID = vocabulary.tokenToID
        self.unknownID = unknownID
        self.maxInputCharsPerWord = maxInputCharsPerWord
        let prefix = Array(continuationPrefix.utf8)
        var continuation: [(bytes: [UInt8], value: Int32)] = []
        for (token, id) in entries {
            let bytes = Array(token.utf8)
            if bytes.count > prefix.count, bytes.starts(with: prefix) {
                continuation.append((Array(bytes[prefix.count...]), Int32(id)))
            }
        }
        self.initialPieces = vocabulary.trie
        self.continuationPieces = TokenTrie(keys: continuation)
    }

    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into ids: inout [Int]) {
        if range.isEmpty { return }
        if range.count > maxInputCharsPerWord, UTF8Scalars.count(bytes, range) > maxInputCharsPerWord {
            ids.append(unknownID)
            return
        }
        let mark = ids.count
        var start = range.lowerBound
        while start < range.upperBound {
            let match = start == range.lowerBound
                ? WordPieceModel.longestMatch(initialPieces, bytes, start, range.upperBound)
                : WordPieceModel.longestMatch(continuationPieces, bytes, start, range.upperBound)
            guard let match else {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(match.id)
            start = match.end
        }
    }

    /// The longest key of `trie` that `bytes[start..<end]` begins with.
    @inline(__always)
    private static func longestMatch(
        _ trie: TokenTrie, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) -> (end: Int, id: Int)? {
        var node = TokenTrie.root
        var best: (end: Int, id: Int)?
        var i = start
        while i < end {
            node = trie.child(node, bytes[i])
            if node == TokenTrie.none { break }
            i += 1
            let value = trie.value(node)
            if value != TokenTrie.none { best = (i, Int(value)) }
        }
        return best
    }
}
