import Foundation
import Testing
@testable import Models

/// The `tokenizer.json` fixtures of `Fixtures/tokenizer-json/` (one or a few per normalizer,
/// pre-tokenizer, post-processor, decoder and model type of HF `tokenizers`) against the ids
/// `tokenizers` and `transformers` gave for 25 test strings, as running text and word by word.
@Suite("tokenizer.json components")
struct TokenizerJSONComponentTests {
    /// `Fixtures/tokenizer-json/expected.json`.
    struct Expected: Decodable {
        struct Text: Decodable {
            var id: String
            var text: String
            var words: [String]
            var covers: String
        }

        struct Case: Decodable {
            var id: String
            /// `tokenizer.encode(text).ids`.
            var ids: [Int]
            /// `tokenizer.encode(words, is_pretokenized=True).ids` cut into the special ids before,
            /// each word's ids, and the special ids after.
            var words: [[Int]]
        }

        struct Fixture: Decodable {
            var name: String
            var covers: String
            var cases: [Case]
        }

        var source: String
        var texts: [Text]
        var tokenizers: [Fixture]

        static func load() throws -> Expected {
            try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Fixtures.url("tokenizer-json/expected.json")))
        }
    }

    /// Every fixture's name, for the parameterised test (empty when the file does not load, which
    /// ``allFixtures`` reports).
    static let names: [String] = (try? Expected.load())?.tokenizers.map(\.name) ?? []

    static func tokenizer(_ name: String) throws -> any Tokenizer {
        try TokenizerLoader.load(tokenizerJSON: Fixtures.url("tokenizer-json/\(name).json"), config: nil)
    }

    @Test("the reference file lists 50 tokenizers over 25 strings")
    func allFixtures() throws {
        let expected = try Expected.load()
        #expect(expected.tokenizers.count == 50)
        #expect(expected.texts.count == 25)
        #expect(expected.tokenizers.allSatisfy { $0.cases.map(\.id) == expected.texts.map(\.id) })
    }

    @Test("ids equal tokenizers' and transformers', as text and word by word", arguments: names)
    func fixture(name: String) throws {
        let expected = try Expected.load()
        let fixture = try #require(expected.tokenizers.first { $0.name == name })
        let tokenizer = try Self.tokenizer(name)
        let texts = Dictionary(uniqueKeysWithValues: expected.texts.map { ($0.id, $0) })
        for reference in fixture.cases {
            let text = try #require(texts[reference.id])
            let encoded = tokenizer.encode(text: text.text)
            #expect(encoded.ids == reference.ids, "\(name) \(text.id) (\(text.covers)): \(text.text.debugDescription)")
            let words = tokenizer.encode(words: text.words)
            #expect(words.ids == reference.words.flatMap { $0 }, "\(name) \(text.id) words \(text.words)")
            var start = reference.words[0].count
            let spans = reference.words.dropFirst().dropLast().map { ids in
                defer { start += ids.count }
                return start..<(start + ids.count)
            }
            #expect(words.wordSpans == spans, "\(name) \(text.id) spans")
        }
    }

    @Test("each model type loads as its tokenizer", arguments: [
        ("wordlevel-whitespace", "WordLevelTokenizer"), ("unigram-sentencepiece-defaults", "UnigramTokenizer"),
        ("wordpiece-bert", "WordPieceTokenizer"), ("bpe-gpt2", "BPETokenizer"),
    ])
    func modelTypes(name: String, type: String) throws {
        #expect(String(describing: Swift.type(of: try Self.tokenizer(name))) == type)
    }

    /// The pieces a pre-tokenizer cuts from `text`.
    static func pieces(_ preTokenizer: PreTokenizer, _ text: String) -> [String] {
        let output = preTokenizer.apply(PieceBuffer(text: text, atOrigin: true))
        return output.ranges.map { String(decoding: output.bytes[$0], as: UTF8.self) }
    }

    @Test("Split's delimiter behaviors on HF's documentation example", arguments: [
        (PieceSplit.Behavior.removed, ["the", "final", "countdown"]),
        (.isolated, ["the", "-", "final", "-", "-", "countdown"]),
        (.mergedWithPrevious, ["the-", "final-", "-", "countdown"]),
        (.mergedWithNext, ["the", "-final", "-", "-countdown"]),
        (.contiguous, ["the", "-", "final", "--", "countdown"]),
    ])
    func behaviors(behavior: PieceSplit.Behavior, expected: [String]) {
        #expect(Self.pieces(.split(PieceSplit(.literal(Array("-".utf8)), behavior)), "the-final--countdown") == expected)
    }

    @Test("NSRegularExpression runs GPT-2's expression as Oniguruma does, on UTF-8 offsets")
    func gpt2Expression() throws {
        let split = PreTokenizer.split(PieceSplit(.regex(try TokenizerRegex(ByteLevel.gpt2Pattern)), .isolated))
        #expect(Self.pieces(split, "I'm here  now, 東京 x²!! 🙂\n") ==
            ["I", "'m", " here", " ", " now", ",", " 東京", " x", "²", "!!", " 🙂", "\n"])
    }

    @Test("the byte-level alphabet spells each byte with its own printable character")
    func byteLevelAlphabet() {
        let characters = ByteLevel.alphabet.map { String(decoding: $0, as: UTF8.self) }
        #expect(Set(characters).count == 256)
        #expect(characters[0x20] == "Ġ" && characters[0x0A] == "Ċ" && characters[0x41] == "A" && characters[0xFF] == "ÿ")
        #expect(ByteLevel.respell("é ") == "Ã©Ġ")
    }
}
