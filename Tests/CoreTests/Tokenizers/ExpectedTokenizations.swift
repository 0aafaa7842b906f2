import Foundation
@testable import Models

/// Reference tokenizations written by HF transformers (`Fixtures/expected/<name>.json`) and the
/// comparison of a tokenizer against them.
struct ExpectedTokenizations: Decodable {
    /// One reference sentence.
    struct Sentence: Decodable {
        var id: String
        var text: String
        var words: [String]
        var textIDs: [Int]
        var textTokens: [String]?
        var wordIDs: [Int]
        var wordTokens: [String]?
        var wordSpans: [[Int]]

        enum CodingKeys: String, CodingKey {
            case id, text, words
            case textIDs = "text_ids"
            case textTokens = "text_tokens"
            case wordIDs = "word_ids"
            case wordTokens = "word_tokens"
            case wordSpans = "word_spans"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let string = try? c.decode(String.self, forKey: .id) {
                id = string
            } else {
                id = String(try c.decode(Int.self, forKey: .id))
            }
            text = try c.decode(String.self, forKey: .text)
            words = try c.decode([String].self, forKey: .words)
            textIDs = try c.decode([Int].self, forKey: .textIDs)
            textTokens = try c.decodeIfPresent([String].self, forKey: .textTokens)
            wordIDs = try c.decode([Int].self, forKey: .wordIDs)
            wordTokens = try c.decodeIfPresent([String].self, forKey: .wordTokens)
            wordSpans = try c.decode([[Int]].self, forKey: .wordSpans)
        }
    }

    var model: String
    /// Sentences with model outputs; their tokenization is checked too.
    var sentences: [Sentence]
    /// Sentences with tokenization only (`minilm.json`).
    var tokenizerSentences: [Sentence]?

    enum CodingKeys: String, CodingKey {
        case model, sentences
        case tokenizerSentences = "tokenizer_sentences"
    }

    /// Every sentence, each id once (`tokenizer_sentences` repeats some of `sentences`).
    var allSentences: [Sentence] {
        var seen = Set<String>()
        return (sentences + (tokenizerSentences ?? [])).filter { seen.insert($0.id).inserted }
    }

    /// Reads a reference file.
    static func load(_ url: URL) throws -> ExpectedTokenizations {
        try JSONDecoder().decode(ExpectedTokenizations.self, from: Data(contentsOf: url))
    }

    /// How many sentences a tokenizer reproduces, with the first few differences spelled out.
    struct Comparison {
        var total = 0
        var textMatches = 0
        var wordMatches = 0
        var spanMatches = 0
        /// Sentences whose token strings (where the file has them) match too.
        var tokenMatches = 0
        var failures: [String] = []

        var allMatch: Bool {
            textMatches == total && wordMatches == total && spanMatches == total && tokenMatches == total
        }
        var summary: String {
            "\(total) sentences: text ids \(textMatches), word ids \(wordMatches), word spans \(spanMatches), tokens \(tokenMatches) match"
        }
    }

    /// Compares every sentence's text ids, word ids and word spans.
    func compare(with tokenizer: any Tokenizer, maxFailures: Int = 10) -> Comparison {
        var result = Comparison()
        for sentence in allSentences {
            result.total += 1
            let text = tokenizer.encode(text: sentence.text)
            let words = tokenizer.encode(words: sentence.words)
            let spans = words.wordSpans.map { [$0.lowerBound, $0.upperBound] }
            if text.ids == sentence.textIDs {
                result.textMatches += 1
            } else if result.failures.count < maxFailures {
                result.failures.append("\(sentence.id) text \(sentence.text.debugDescription):\n  expected \(sentence.textIDs)\n  got      \(text.ids)")
            }
            if words.ids == sentence.wordIDs {
                result.wordMatches += 1
            } else if result.failures.count < maxFailures {
                result.failures.append("\(sentence.id) words \(sentence.words):\n  expected \(sentence.wordIDs)\n  got      \(words.ids)")
            }
            if (sentence.textTokens ?? text.tokens) == text.tokens, (sentence.wordTokens ?? words.tokens) == words.tokens {
                result.tokenMatches += 1
            } else if result.failures.count < maxFailures {
                result.failures.append("\(sentence.id) tokens:\n  expected \(sentence.textTokens ?? [])\n  got      \(text.tokens)")
            }
            if spans == sentence.wordSpans {
                result.spanMatches += 1
            } else if result.failures.count < maxFailures {
                result.failures.append("\(sentence.id) spans \(sentence.words):\n  expected \(sentence.wordSpans)\n  got      \(spans)")
            }
        }
        return result
    }
}
