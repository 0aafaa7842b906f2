import Foundation
import Testing
@testable import Models

/// The real Gemma 3 tokenizer, read from the GGUF file, against what transformers makes of the same
/// file (`expected/gemma3-tokens.json`, from `scripts/make-gemma-fixtures`).
@Suite("Gemma 3 tokenizer parity", .serialized)
struct SentencePieceBPEGemmaParityTests {
    struct Expected: Decodable {
        struct Sentence: Decodable {
            var id: String
            var text: String
            var words: [String]
            var textIDs: [Int]
            var wordIDs: [Int]
            var wordSpans: [[Int]]
            enum CodingKeys: String, CodingKey {
                case id, text, words
                case textIDs = "text_ids", wordIDs = "word_ids", wordSpans = "word_spans"
            }
        }
        struct UDSentence: Decodable {
            var language: String
            var file: Int
            var sentID: String
            var textIDCount: Int
            var textIDsSHA1: String
            var wordIDCount: Int
            var wordIDsSHA1: String
            var wordSpansSHA1: String
            enum CodingKeys: String, CodingKey {
                case language, file
                case sentID = "sent_id", textIDCount = "n_text_ids", textIDsSHA1 = "text_ids_sha1"
                case wordIDCount = "n_word_ids", wordIDsSHA1 = "word_ids_sha1", wordSpansSHA1 = "word_spans_sha1"
            }
        }
        struct UD: Decodable {
            var files: [String]
            var sentences: [UDSentence]
        }
        var vocabularySize: Int
        var specialIDs: [String: Int]
        var tokens: [String: String]
        var sentences: [Sentence]
        var ud: UD
        enum CodingKeys: String, CodingKey {
            case vocabularySize = "vocabulary_size", specialIDs = "special_ids", tokens, sentences, ud
        }
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Fixtures.url("expected/gemma3-tokens.json")))
    }

    /// The tokenizer of the real file (read once), or `nil` after recording that it is not installed.
    static func tokenizer() throws -> SentencePieceBPETokenizer? {
        guard let url = TokenizerTestSupport.gemmaGGUF else {
            Issue.record("Gemma 3 270M is not installed (\(TokenizerTestSupport.modelsFolder.path)/gemma-3-270m): run scripts/setup")
            return nil
        }
        return try Loaded.shared.get(url)
    }

    /// Loads the 262,144-piece tokenizer once for the suite.
    final class Loaded: @unchecked Sendable {
        static let shared = Loaded()
        private let lock = NSLock()
        private var tokenizer: SentencePieceBPETokenizer?

        func get(_ url: URL) throws -> SentencePieceBPETokenizer {
            lock.lock()
            defer { lock.unlock() }
            if let tokenizer { return tokenizer }
            let made = try SentencePieceBPETokenizer(gguf: GGUFFile(url: url))
            tokenizer = made
            return made
        }
    }

    static func sha1(_ ids: [Int]) -> String { SHA1.hex(ids.map(String.init).joined(separator: ",")) }

    @Test("the file's vocabulary and special ids (the time to build it is printed, not asserted: a benchmark's question)")
    func vocabulary() throws {
        guard let url = TokenizerTestSupport.gemmaGGUF else {
            Issue.record("Gemma 3 270M is not installed: run scripts/setup")
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        let file = try GGUFFile(url: url)
        let parsed = clock.now
        let tokenizer = try SentencePieceBPETokenizer(gguf: file)
        let built = clock.now
        print("gemma3 tokenizer: GGUF parsed in \(parsed - start), tokenizer built in \(built - parsed)")
        let expected = try Self.expected()
        #expect(tokenizer.vocabularySize == expected.vocabularySize)
        #expect(tokenizer.bosID == expected.specialIDs["bos"])
        #expect(tokenizer.eosID == expected.specialIDs["eos"])
        #expect(tokenizer.unknownID == expected.specialIDs["unk"])
        #expect(tokenizer.padID == expected.specialIDs["pad"])
        #expect(tokenizer.addsBOS)
        for (id, token) in expected.tokens {
            #expect(tokenizer.token(of: Int(id)!) == token, "token \(id)")
            #expect(tokenizer.id(of: token) == Int(id), "id of \(token.debugDescription)")
        }
    }

    @Test("every hand-written sentence: ids of the text and word by word, spans included")
    func sentences() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        let expected = try Self.expected()
        var exact = 0
        for sentence in expected.sentences {
            let text = tokenizer.encode(text: sentence.text)
            let words = tokenizer.encode(words: sentence.words)
            let spans = words.wordSpans.map { [$0.lowerBound, $0.upperBound] }
            #expect(text.ids == sentence.textIDs, "\(sentence.id) text \(sentence.text.debugDescription): \(text.tokens)")
            #expect(words.ids == sentence.wordIDs, "\(sentence.id) words \(sentence.words): \(words.tokens)")
            #expect(spans == sentence.wordSpans, "\(sentence.id) spans")
            if text.ids == sentence.textIDs, words.ids == sentence.wordIDs, spans == sentence.wordSpans { exact += 1 }
        }
        print("gemma3 tokenizer: \(exact) of \(expected.sentences.count) hand-written sentences exact")
    }

    static var udAvailable: Bool {
        FileManager.default.fileExists(atPath: Fixtures.shared.appendingPathComponent("ud").path)
    }

    @Test("20 UD sentences of each of the 9 languages: text and word-by-word ids and spans hash as in transformers",
          .enabled(if: udAvailable))
    func treebanks() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        let expected = try Self.expected()
        var texts: [[String: String]] = []
        var words: [[String: [String]]] = []
        for file in expected.ud.files {
            let url = Fixtures.shared.appendingPathComponent("ud/\(file)")
            texts.append(try TokenizerTestSupport.treebankTexts(url))
            let sentences = try TokenizerTestSupport.treebankWords(url)
            words.append(Dictionary(sentences.map { ($0.sentID, $0.words) }, uniquingKeysWith: { first, _ in first }))
        }
        var matched: [String: Int] = [:]
        var failures: [String] = []
        for sentence in expected.ud.sentences {
            let where_ = "\(expected.ud.files[sentence.file]) \(sentence.sentID)"
            guard let text = texts[sentence.file][sentence.sentID], let sentenceWords = words[sentence.file][sentence.sentID] else {
                failures.append("\(where_): not found")
                continue
            }
            let textIDs = tokenizer.encode(text: text).ids
            let encoding = tokenizer.encode(words: sentenceWords)
            let spans = SHA1.hex(encoding.wordSpans.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))
            if textIDs.count == sentence.textIDCount, Self.sha1(textIDs) == sentence.textIDsSHA1,
               encoding.ids.count == sentence.wordIDCount, Self.sha1(encoding.ids) == sentence.wordIDsSHA1,
               spans == sentence.wordSpansSHA1 {
                matched[sentence.language, default: 0] += 1
            } else {
                failures.append("\(where_): text \(textIDs.count) ids (expected \(sentence.textIDCount)), words \(encoding.ids.count) (expected \(sentence.wordIDCount))")
            }
        }
        let total = matched.values.reduce(0, +)
        print("gemma3 tokenizer: \(total) of \(expected.ud.sentences.count) UD sentences exact \(matched.sorted { $0.key < $1.key })")
        #expect(Set(expected.ud.sentences.map(\.language)).count == 9)
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
    }
}
