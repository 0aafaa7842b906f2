import Foundation
import Testing
@testable import Models

@Suite("WordPiece tokenizer")
struct WordPieceTokenizerTests {
    static let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    /// ids: 0–4 specials, then these pieces from 5.
    static let pieces = ["un", "##aff", "##able", "don", "'", "t", "stop", ",", "cafe", "!", "中", "文", "a", "##a", "ok", "Café", "Ca", "##f", "##e"]
    static let tokenizer = WordPieceTokenizer(vocabulary: specials + pieces)

    static func ids(_ tokens: [String]) -> [Int] {
        tokens.map { (specials + pieces).firstIndex(of: $0) ?? -1 }
    }

    @Test("greedy longest-match-first splits a word into ## pieces")
    func greedyPieces() {
        let encoding = Self.tokenizer.encode(text: "unaffable")
        #expect(encoding.tokens == ["[CLS]", "un", "##aff", "##able", "[SEP]"])
        #expect(encoding.ids == [2, 5, 6, 7, 3])
        #expect(encoding.wordSpans.isEmpty)
    }

    @Test("the longest first piece is taken without backtracking, so the word becomes [UNK]")
    func noBacktracking() {
        let tokenizer = WordPieceTokenizer(vocabulary: Self.specials + ["un", "##aff", "##able", "una"])
        #expect(tokenizer.encode(text: "unaffable").tokens == ["[CLS]", "[UNK]", "[SEP]"])
    }

    @Test("uncased: lower-casing, accent stripping, whitespace and punctuation splits")
    func basicTokenization() {
        let encoding = Self.tokenizer.encode(text: "Don't\tSTOP,  Café!")
        #expect(encoding.tokens == ["[CLS]", "don", "'", "t", "stop", ",", "cafe", "!", "[SEP]"])
    }

    @Test("cased: case and accents are kept")
    func cased() {
        let tokenizer = WordPieceTokenizer(vocabulary: Self.specials + Self.pieces, lowercase: false)
        #expect(tokenizer.encode(text: "Café").tokens == ["[CLS]", "Café", "[SEP]"])
        let stripped = WordPieceTokenizer(vocabulary: Self.specials + Self.pieces, lowercase: false, stripAccents: true)
        #expect(stripped.encode(text: "Café").tokens == ["[CLS]", "Ca", "##f", "##e", "[SEP]"])
    }

    @Test("CJK ideographs become single tokens; control characters vanish")
    func chineseAndControl() {
        #expect(Self.tokenizer.encode(text: "中文\u{0}ok\u{200B}").tokens == ["[CLS]", "中", "文", "ok", "[SEP]"])
    }

    @Test("a word longer than 100 scalars is [UNK]; 100 is split")
    func maxInputChars() {
        let long = Self.tokenizer.encode(text: String(repeating: "a", count: 101))
        #expect(long.tokens == ["[CLS]", "[UNK]", "[SEP]"])
        let limit = Self.tokenizer.encode(text: String(repeating: "a", count: 100))
        #expect(limit.ids.count == 102)
        #expect(limit.tokens[1] == "a" && limit.tokens[2] == "##a")
    }

    @Test("added tokens in the text keep their ids")
    func addedTokens() {
        #expect(Self.tokenizer.encode(text: "ok [MASK]!").tokens == ["[CLS]", "ok", "[MASK]", "!", "[SEP]"])
    }

    @Test("pre-tokenized words: each goes through basic tokenization; empty words get empty spans")
    func words() {
        let encoding = Self.tokenizer.encode(words: ["don't", "", "\u{200B}", "OK"])
        #expect(encoding.tokens == ["[CLS]", "don", "'", "t", "ok", "[SEP]"])
        #expect(encoding.wordSpans == [1..<4, 4..<4, 4..<4, 4..<5])
    }

    @Test("vocabulary and id look-ups", arguments: [("[PAD]", 0), ("##aff", 6), ("ok", 19)])
    func lookUps(token: String, id: Int) {
        #expect(Self.tokenizer.id(of: token) == id)
        #expect(Self.tokenizer.token(of: id) == token)
        #expect(Self.tokenizer.padID == 0)
        #expect(Self.tokenizer.vocabularySize == Self.specials.count + Self.pieces.count)
    }

    // MARK: - HF reference fixtures

    @Test("tokenizer.json reproduces transformers on every fixture sentence", arguments: ["bert-uncased-tiny", "bert-cased-tiny"])
    func fixtureFromTokenizerJSON(model: String) throws {
        let tokenizer = try TokenizerLoader.load(folder: TokenizerTestSupport.model(model))
        #expect(tokenizer is WordPieceTokenizer)
        let comparison = try TokenizerTestSupport.expected(model).compare(with: tokenizer)
        print("\(model) (tokenizer.json): \(comparison.summary)")
        #expect(comparison.allMatch, "\(comparison.summary)\n\(comparison.failures.joined(separator: "\n"))")
    }

    @Test("vocab.txt + tokenizer_config.json reproduce transformers too", arguments: ["bert-uncased-tiny", "bert-cased-tiny"])
    func fixtureFromVocabText(model: String) throws {
        let folder = TokenizerTestSupport.model(model)
        let tokenizer = try TokenizerLoader.load(
            vocabText: folder.appendingPathComponent("vocab.txt"),
            config: TokenizerJSON.read(folder.appendingPathComponent("tokenizer_config.json")),
            specialTokensMap: TokenizerJSON.read(folder.appendingPathComponent("special_tokens_map.json")))
        let comparison = try TokenizerTestSupport.expected(model).compare(with: tokenizer)
        print("\(model) (vocab.txt): \(comparison.summary)")
        #expect(comparison.allMatch, "\(comparison.summary)\n\(comparison.failures.joined(separator: "\n"))")
    }

    @Test("the real all-MiniLM-L6-v2 tokenizer reproduces transformers (skipped when not installed)",
          .enabled(if: TokenizerTestSupport.miniLM != nil))
    func miniLM() throws {
        let folder = try #require(TokenizerTestSupport.miniLM)
        let tokenizer = try TokenizerLoader.load(folder: folder)
        #expect(tokenizer.vocabularySize == 30522)
        #expect(tokenizer.padID == 0)
        let comparison = try TokenizerTestSupport.expected("minilm").compare(with: tokenizer)
        print("minilm: \(comparison.summary)")
        #expect(comparison.total >= 16)
        #expect(comparison.allMatch, "\(comparison.summary)\n\(comparison.failures.joined(separator: "\n"))")
    }
}
