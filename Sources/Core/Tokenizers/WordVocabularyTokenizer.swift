import Foundation
import Support

/// A word-level tokenizer over a one-word-per-line `vocab.txt` (Gulordava et al.'s `Dictionary`:
/// line n is id n − 1): text splits on whitespace, each word is one token, a word outside the
/// vocabulary becomes `<unk>`.
///
/// No `<eos>` is added: Gulordava's corpus reader appends it at the end of each training line, but
/// a prefix to continue must not end in one, and the states of a sentence's words come before it.
public struct WordVocabularyTokenizer: Tokenizer {
    public static let unknownToken = "<unk>"
    public static let endOfSentenceToken = "<eos>"

    /// Words by id.
    public let words: [String]
    let idOfWord: [String: Int]
    public let unknownID: Int
    public let endOfSentenceID: Int

    /// Reads a vocabulary file. - Throws: ``TokenizerError`` naming the file and line.
    public init(url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadableFile(file: url, reason: ErrorMessage.reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.unreadableFile(file: url, reason: "not UTF-8 text")
        }
        try self.init(lines: text, file: url)
    }

    /// A vocabulary from the text of a vocab.txt (`file` names it in errors).
    package init(lines text: String, file: URL) throws {
        // "\r\n" is one Character in Swift, and a newline like "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var words: [String] = [], idOfWord: [String: Int] = [:]
        for (number, line) in lines.enumerated() {
            let word = String(line)
            if word.isEmpty { throw TokenizerError.malformedVocabularyLine(file: file, line: number + 1, reason: "empty line") }
            if word.contains(where: \.isWhitespace) {
                throw TokenizerError.malformedVocabularyLine(file: file, line: number + 1, reason: "\"\(word)\" holds whitespace (one word per line)")
            }
            if let earlier = idOfWord[word] {
                throw TokenizerError.malformedVocabularyLine(file: file, line: number + 1, reason: "\"\(word)\" repeats line \(earlier + 1)")
            }
            idOfWord[word] = words.count
            words.append(word)
        }
        if words.isEmpty { throw TokenizerError.emptyVocabulary(file: file) }
        guard let unknown = idOfWord[Self.unknownToken] else { throw TokenizerError.missingSpecialToken(file: file, token: Self.unknownToken) }
        guard let end = idOfWord[Self.endOfSentenceToken] else { throw TokenizerError.missingSpecialToken(file: file, token: Self.endOfSentenceToken) }
        self.words = words
        self.idOfWord = idOfWord
        unknownID = unknown
        endOfSentenceID = end
    }

    func id(ofWord word: Substring) -> Int { idOfWord[String(word)] ?? unknownID }

    public func encode(text: String) -> Encoding {
        let ids = text.split(whereSeparator: \.isWhitespace).map(id(ofWord:))
        return Encoding(ids: ids, tokens: ids.map { words[$0] })
    }

    /// One token per word (a treebank word holding a space is looked up whole).
    public func encode(words input: [String]) -> Encoding {
        let ids = input.map { id(ofWord: Substring($0)) }
        return Encoding(ids: ids, tokens: ids.map { words[$0] }, wordSpans: ids.indices.map { $0..<($0 + 1) })
    }

    public var vocabularySize: Int { words.count }
    /// Packed batches need no padding; `<eos>` stands in where one is asked for.
    public var padID: Int { endOfSentenceID }
    public var idRange: ClosedRange<Int> { 0...(words.count - 1) }
    public func id(of token: String) -> Int? { idOfWord[token] }
    public func token(of id: Int) -> String? { words.indices.contains(id) ? words[id] : nil }
}
