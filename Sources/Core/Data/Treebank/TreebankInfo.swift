import Foundation

/// One treebank folder of a UD release (`UD_English-EWT`) and its split files.
public struct TreebankInfo: Sendable, Hashable, Codable {
    /// The language, from the folder name with underscores as spaces (`English`, `Old French`).
    public var language: String
    /// The treebank's name (`EWT`).
    public var name: String
    /// The language code of its files (`en` from `en_ewt-ud-dev.conllu`).
    public var code: String
    /// The folder.
    public var directory: URL
    /// The CoNLL-U file of each split present.
    public var files: [DataSplit: URL]

    /// Creates a treebank description.
    public init(language: String, name: String, code: String, directory: URL, files: [DataSplit: URL]) {
        self.language = language
        self.name = name
        self.code = code
        self.directory = directory
        self.files = files
    }

    /// `English-EWT`.
    public var identifier: String { "\(language)-\(name)" }

    /// The splits present, in train/dev/test order.
    public var splits: [DataSplit] { DataSplit.allCases.filter { files[$0] != nil } }

    /// Whether train, dev and test files all exist.
    public var hasAllSplits: Bool { splits.count == DataSplit.allCases.count }
}
