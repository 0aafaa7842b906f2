/// One analysis of a word form seen in the treebanks, with how often it was seen.
public struct LexiconEntry: Sendable, Hashable, Codable {
    /// The lemma, `nil` where the treebank leaves it `_`.
    public var lemma: String?
    /// The UD part of speech.
    public var upos: String?
    /// The UniMorph tags in canonical order, e.g. `["V", "IND", "PST", "FIN"]`.
    public var features: [String]
    /// How many words had this form and analysis.
    public var count: Int

    /// Creates an entry.
    public init(lemma: String?, upos: String?, features: [String], count: Int) {
        self.lemma = lemma
        self.upos = upos
        self.features = features
        self.count = count
    }

    /// The UniMorph bundle, e.g. `V;IND;PST;FIN`.
    public var bundle: String { features.joined(separator: ";") }

    /// Whether every tag of `tags` is among the entry's features.
    public func has(_ tags: some Sequence<String>) -> Bool { tags.allSatisfy(features.contains) }
}
