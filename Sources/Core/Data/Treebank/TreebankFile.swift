import Foundation

/// Why the reader left a line or sentence out. Nothing is dropped without being counted.
public enum TreebankDropReason: String, Sendable, Hashable, CaseIterable, Comparable {
    /// An empty node of the enhanced graph (`8.1`): not a syntactic word of the basic tree.
    case emptyNode = "empty node"
    /// A sentence block that had comments but no word lines.
    case sentenceWithoutWords = "sentence without words"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The parsed contents of one CoNLL-U file.
public struct TreebankFile: Sendable {
    /// Where the file was read from.
    public var url: URL
    /// The sentences in file order.
    public var sentences: [TreebankSentence]
    /// How many lines or sentences were left out, by reason.
    public var dropped: [TreebankDropReason: Int]

    /// Creates a file value.
    public init(url: URL, sentences: [TreebankSentence], dropped: [TreebankDropReason: Int] = [:]) {
        self.url = url
        self.sentences = sentences
        self.dropped = dropped
    }

    /// The file's name, e.g. `en_ewt-ud-dev.conllu` — the key datasets use to align with caches.
    public var name: String { url.lastPathComponent }

    /// The number of syntactic words in all sentences.
    public var wordCount: Int { sentences.reduce(0) { $0 + $1.words.count } }
}
