import Foundation
import Testing
@testable import Models

/// SentencePiece BPE on tiny hand-made vocabularies.
@Suite("SentencePiece BPE tokenizer")
struct SentencePieceBPETokenizerTests {
    typealias TokenType = SentencePieceBPETokenizer.TokenType

    /// `<pad> <eos> <bos> <unk>`, then the given pieces (normal unless typed), then `<0xC3>`, `<0xA9>`.
    static func tokenizer(
        _ pieces: [(String, Float, TokenType)], addBOS: Bool = true, ranking: SentencePieceBPETokenizer.MergeRanking
    ) -> SentencePieceBPETokenizer {
        let all: [(String, Float, TokenType)] =
            [("<pad>", 0, .control), ("<eos>", 0, .control), ("<bos>", 0, .control), ("<unk>", 0, .unknown)]
            + pieces + [("<0xC3>", 0, .byte), ("<0xA9>", 0, .byte)]
        return SentencePieceBPETokenizer(
            pieces: all.map(\.0), scores: all.map(\.1), tokenTypes: all.map(\.2.rawValue),
            bosID: 2, eosID: 1, unknownID: 3, padID: 0, addBOS: addBOS, addSpacePrefix: false, ranking: ranking)
    }

    static let abc: [(String, Float, TokenType)] = [
        ("a", -1, .normal), ("b", -2, .normal), ("c", -3, .normal), ("\u{2581}", -4, .normal),
        ("bc", -9, .normal), ("ab", -5, .normal), ("\u{2581}a", -6, .normal), ("<tag>", 0, .userDefined),
        ("  ", 0, .userDefined), ("\u{2581}\u{2581}", -7, .normal),
    ]

    func ids(_ tokenizer: SentencePieceBPETokenizer, _ pieces: [String]) -> [Int] {
        pieces.map { tokenizer.id(of: $0)! }
    }

    @Test("piece order merges the earlier piece first; score order the higher-scoring one")
    func mergeOrder() {
        let byOrder = Self.tokenizer(Self.abc, ranking: .pieceOrder)
        #expect(byOrder.encode(text: "abc").tokens == ["<bos>", "a", "bc"])
        let byScore = Self.tokenizer(Self.abc, ranking: .score)
        #expect(byScore.encode(text: "abc").tokens == ["<bos>", "ab", "c"])
        #expect(byScore.encode(text: "a bc").tokens == ["<bos>", "a", "\u{2581}", "bc"])
    }

    @Test("spaces become ▁ and merge with the next piece")
    func spaces() {
        let tokenizer = Self.tokenizer(Self.abc, ranking: .pieceOrder)
        #expect(tokenizer.encode(text: "b a").tokens == ["<bos>", "b", "\u{2581}a"])
        #expect(tokenizer.encode(text: " a").tokens == ["<bos>", "\u{2581}a"])
    }

    @Test("a blank piece is respelled as ▁▁ and not matched as an added token (piece order)")
    func blankPiece() {
        let tokenizer = Self.tokenizer(Self.abc, ranking: .pieceOrder)
        let blank = 4 + 8  // "  "
        #expect(tokenizer.token(of: blank) == "\u{2581}\u{2581}")
        // Ids 12 (respelled) and 13 both spell "▁▁"; the later one wins, as in a dictionary built in id order.
        #expect(tokenizer.encode(text: "b  b").ids == [2, 5, 13, 5])
    }

    @Test("characters outside the vocabulary fall back to bytes, or one fused <unk>")
    func byteFallback() {
        let tokenizer = Self.tokenizer(Self.abc, ranking: .pieceOrder)
        #expect(tokenizer.encode(text: "aé").tokens == ["<bos>", "a", "<0xC3>", "<0xA9>"])
        // ü is C3 BC; <0xBC> is missing, so both ü become one <unk>.
        #expect(tokenizer.encode(text: "üüa").tokens == ["<bos>", "<unk>", "a"])
    }

    @Test("<bos> in front only when addBOS; control and user-defined pieces match whole")
    func specials() {
        let tokenizer = Self.tokenizer(Self.abc, ranking: .pieceOrder)
        #expect(tokenizer.encode(text: "a").ids == [2, 4])
        #expect(Self.tokenizer(Self.abc, addBOS: false, ranking: .pieceOrder).encode(text: "a").ids == [4])
        #expect(tokenizer.encode(text: "").ids == [2])
        #expect(tokenizer.encode(text: "ab<tag>c<eos>").tokens == ["<bos>", "ab", "<tag>", "c", "<eos>"])
        #expect(tokenizer.vocabularySize == 16)
        #expect(tokenizer.padID == 0)
    }

    @Test("words are read as running text: each word after the first keeps its space")
    func words() {
        let tokenizer = Self.tokenizer(Self.abc, ranking: .pieceOrder)
        let encoding = tokenizer.encode(words: ["ab", "a", "c"])
        #expect(encoding.tokens == ["<bos>", "ab", "\u{2581}a", "\u{2581}", "c"])
        #expect(encoding.wordSpans == [1..<2, 2..<3, 3..<5])
        #expect(tokenizer.encode(words: []).ids == [2])
    }

    @Test("merge order ties: the leftmost pair merges first")
    func leftmost() {
        let tokenizer = Self.tokenizer([("a", 0, .normal), ("aa", 0, .normal)], ranking: .pieceOrder)
        #expect(tokenizer.encode(text: "aaa").tokens == ["<bos>", "aa", "a"])
    }

    @Test("pieces compare byte for byte: cafe\u{301} does not find café")
    func canonicalEquivalents() {
        let tokenizer = Self.tokenizer([("e", 0, .normal), ("\u{301}", 0, .normal), ("\u{E9}", 0, .normal)], ranking: .pieceOrder)
        #expect(tokenizer.encode(text: "e\u{301}").ids == [2, 4, 5])
        #expect(tokenizer.encode(text: "\u{E9}").ids == [2, 6])
    }
}
