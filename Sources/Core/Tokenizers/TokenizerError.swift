import Foundation

/// Why a tokenizer could not be loaded; every case names the file and, where there is one, the key.
public enum TokenizerError: Error, CustomStringConvertible {
    /// The folder holds neither `tokenizer.json` nor `vocab.txt`.
    case noTokenizerFiles(folder: URL)
    /// A file exists but could not be read.
    case unreadableFile(file: URL, reason: String)
    /// A file is not valid JSON (or not a JSON object at the top).
    case malformedJSON(file: URL, reason: String)
    /// A required key is absent.
    case missingKey(file: URL, key: String)
    /// A key holds a value of the wrong kind or out of range.
    case invalidValue(file: URL, key: String, expected: String)
    /// A component type (`model.type`, `normalizer.type`, …) this package does not implement.
    case unsupportedType(file: URL, key: String, type: String)
    /// A token the configuration names is not in the vocabulary.
    case unknownToken(file: URL, key: String, token: String)
    /// `vocab.txt` (or a vocabulary in JSON) has no entries.
    case emptyVocabulary(file: URL)
    /// A line of a one-word-per-line vocabulary is empty, holds a space or repeats an earlier word.
    case malformedVocabularyLine(file: URL, line: Int, reason: String)
    /// A word-level vocabulary lacks a token the model needs (`<unk>`, `<eos>`).
    case missingSpecialToken(file: URL, token: String)

    public var description: String {
        switch self {
        case let .noTokenizerFiles(folder):
            return "no tokenizer.json or vocab.txt in \(folder.path)"
        case let .unreadableFile(file, reason):
            return "\(file.path): cannot read: \(reason)"
        case let .malformedJSON(file, reason):
            return "\(file.path): malformed JSON: \(reason)"
        case let .missingKey(file, key):
            return "\(file.path): missing key `\(key)`"
        case let .invalidValue(file, key, expected):
            return "\(file.path): key `\(key)`: expected \(expected)"
        case let .unsupportedType(file, key, type):
            return "\(file.path): key `\(key)`: unsupported type \"\(type)\""
        case let .unknownToken(file, key, token):
            return "\(file.path): key `\(key)`: token \"\(token)\" is not in the vocabulary"
        case let .emptyVocabulary(file):
            return "\(file.path): the vocabulary is empty"
        case let .malformedVocabularyLine(file, line, reason):
            return "\(file.path):\(line): \(reason)"
        case let .missingSpecialToken(file, token):
            return "\(file.path): the vocabulary has no \(token) (one word per line; \(token) must be one of them)"
        }
    }
}
