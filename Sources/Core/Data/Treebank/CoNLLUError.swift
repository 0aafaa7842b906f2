import Foundation

/// A CoNLL-U file that cannot be read, or a line that breaks the format.
///
/// Every case names the file and, for format errors, the 1-based line and column.
public enum CoNLLUError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// A word line does not have the 10 tab-separated columns.
    case wrongFieldCount(file: String, line: Int, found: Int)
    /// The ID column is not an integer, a range `a-b` or a decimal `a.b`.
    case badID(file: String, line: Int, column: Int, text: String)
    /// The word IDs of a sentence are not 1, 2, 3, … in order.
    case unexpectedID(file: String, line: Int, column: Int, expected: Int, found: Int)
    /// A multiword range that is empty, reversed, or does not start at the next word.
    case badRange(file: String, line: Int, column: Int, text: String)
    /// The HEAD column is neither `_` nor a non-negative integer.
    case badHead(file: String, line: Int, column: Int, text: String)
    /// The HEAD column names a word past the end of its sentence of `wordCount` words.
    case headPastSentence(file: String, line: Int, column: Int, head: Int, wordCount: Int)
    /// A FEATS item without `=`, or with an empty name or value.
    case badFeature(file: String, line: Int, column: Int, text: String)
    /// A required column (FORM) is empty.
    case emptyField(file: String, line: Int, column: Int, name: String)
    /// The bytes are not valid UTF-8.
    case invalidUTF8(file: String, line: Int)

    /// The file name, line (0 if none) and column (0 if none).
    public var location: (file: String, line: Int, column: Int) {
        switch self {
        case let .unreadable(file, _): return (file, 0, 0)
        case let .wrongFieldCount(file, line, _): return (file, line, 0)
        case let .badID(file, line, column, _),
            let .unexpectedID(file, line, column, _, _),
            let .badRange(file, line, column, _),
            let .badHead(file, line, column, _),
            let .headPastSentence(file, line, column, _, _),
            let .badFeature(file, line, column, _),
            let .emptyField(file, line, column, _):
            return (file, line, column)
        case let .invalidUTF8(file, line): return (file, line, 0)
        }
    }

    public var description: String {
        let (file, line, column) = location
        let place = line == 0 ? file : column == 0 ? "\(file):\(line)" : "\(file):\(line):\(column)"
        switch self {
        case let .unreadable(_, reason):
            return "\(place): cannot read CoNLL-U file: \(reason)"
        case let .wrongFieldCount(_, _, found):
            return "\(place): expected 10 tab-separated columns, found \(found)"
        case let .badID(_, _, _, text):
            return "\(place): bad ID '\(text)' (expected an integer, a range a-b or an empty node a.b)"
        case let .unexpectedID(_, _, _, expected, found):
            return "\(place): word ID \(found) out of sequence (expected \(expected))"
        case let .badRange(_, _, _, text):
            return "\(place): bad multiword range '\(text)'"
        case let .badHead(_, _, _, text):
            return "\(place): bad HEAD '\(text)' (expected '_' or a non-negative integer)"
        case let .headPastSentence(_, _, _, head, wordCount):
            return "\(place): HEAD \(head) is past the end of the sentence, which has \(wordCount) word\(wordCount == 1 ? "" : "s")"
        case let .badFeature(_, _, _, text):
            return "\(place): bad FEATS item '\(text)' (expected Name=Value)"
        case let .emptyField(_, _, _, name):
            return "\(place): empty \(name) column"
        case .invalidUTF8:
            return "\(place): line is not valid UTF-8"
        }
    }
}
