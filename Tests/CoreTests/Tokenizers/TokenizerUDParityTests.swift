import Foundation
import Testing
@testable import Models

/// Every sentence of whole UD files, tokenized word by word, against the SHA-1 of the ids
/// transformers produced (`expected/*-ud-tokens.json`).
@Suite("Tokenizer UD parity")
struct TokenizerUDParityTests {
    struct HashFile: Decodable {
        struct Sentence: Decodable {
            var file: Int
            var sentID: String
            var idCount: Int
            var idsSHA1: String
            enum CodingKeys: String, CodingKey {
                case file
                case sentID = "sent_id"
                case idCount = "n_ids"
                case idsSHA1 = "ids_sha1"
            }
        }
        var files: [String]
        var sentences: [Sentence]
    }

    static var udAvailable: Bool {
        FileManager.default.fileExists(atPath: Fixtures.shared.appendingPathComponent("ud").path)
    }

    @Test("every UD sentence's ids hash as in transformers", .enabled(if: udAvailable),
          arguments: ["minilm-ud-tokens", "xlmr-tiny-ud-tokens"])
    func udParity(name: String) throws {
        let folder: URL
        if name.hasPrefix("minilm") {
            guard let miniLM = TokenizerTestSupport.miniLM else {
                print("\(name): skipped, all-MiniLM-L6-v2 is not installed")
                return
            }
            folder = miniLM
        } else {
            folder = TokenizerTestSupport.model("xlmr-tiny")
        }
        let tokenizer = try TokenizerLoader.load(folder: folder)
        let expected = try JSONDecoder().decode(HashFile.self, from: Data(contentsOf: Fixtures.url("expected/\(name).json")))
        var words: [[String: [String]]] = []
        for file in expected.files {
            let sentences = try TokenizerTestSupport.treebankWords(Fixtures.shared.appendingPathComponent("ud/\(file)"))
            words.append(Dictionary(sentences.map { ($0.sentID, $0.words) }, uniquingKeysWith: { first, _ in first }))
        }
        var matched = 0
        var failures: [String] = []
        for sentence in expected.sentences {
            guard let sentenceWords = words[sentence.file][sentence.sentID] else {
                failures.append("\(sentence.sentID): not in \(expected.files[sentence.file])")
                continue
            }
            let ids = tokenizer.encode(words: sentenceWords).ids
            let digest = SHA1.hex(ids.map(String.init).joined(separator: ","))
            if ids.count == sentence.idCount, digest == sentence.idsSHA1 {
                matched += 1
            } else if failures.count < 10 {
                failures.append("\(sentence.sentID): \(ids.count) ids (expected \(sentence.idCount)), sha1 \(digest)")
            }
        }
        print("\(name): \(matched) of \(expected.sentences.count) UD sentences match")
        #expect(matched == expected.sentences.count, "\(failures.joined(separator: "\n"))")
    }

    @Test("SHA-1 of known strings")
    func sha1() {
        #expect(SHA1.hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex(String(repeating: "a", count: 1000)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }
}
