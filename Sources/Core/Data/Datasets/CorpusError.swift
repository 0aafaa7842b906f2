import Foundation

/// A problem finding treebanks, choosing them, or building a dataset from them.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    /// The UD root does not exist or is not a folder.
    case missingRoot(path: String)
    /// The UD root holds no `UD_<Language>-<Treebank>` folder with CoNLL-U files.
    case noTreebanks(path: String)
    /// A language name that matches no treebank.
    case unknownLanguage(name: String, known: [String])
    /// A treebank name that is not one of the language's.
    case unknownTreebank(name: String, language: String, known: [String])
    /// Split fractions that are negative or do not sum to 1.
    case badSplitFractions(String)
    /// The original splits were requested but a chosen treebank lacks one.
    case missingSplit(treebank: String, split: DataSplit)
    /// Two sentences of one file share a `sent_id`, so rows cannot be aligned by id.
    case duplicateSentenceID(file: String, line: Int, id: String)

    public var description: String {
        switch self {
        case let .missingRoot(path):
            return "UD root '\(path)' is not a folder (set --ud-root or UD_ROOT)"
        case let .noTreebanks(path):
            return "no UD_<Language>-<Treebank> folders with .conllu files under '\(path)'"
        case let .unknownLanguage(name, known):
            return "unknown language '\(name)'; known: \(known.joined(separator: ", "))"
        case let .unknownTreebank(name, language, known):
            return "\(language) has no treebank '\(name)'; known: \(known.joined(separator: ", "))"
        case let .badSplitFractions(message):
            return "bad split fractions: \(message)"
        case let .missingSplit(treebank, split):
            return "treebank \(treebank) has no \(split) file, so its original splits cannot be used"
        case let .duplicateSentenceID(file, line, id):
            return "\(file):\(line): sent_id '\(id)' occurs twice in the file"
        }
    }
}
