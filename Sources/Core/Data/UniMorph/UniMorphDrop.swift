/// Why a UD feature (or UPOS) yielded no UniMorph value for a word.
public enum UniMorphDropReason: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The table maps it to nothing, or does not list it (`PronType=Prs`, `PUNCT`, `Number[psor]=Sing`).
    case unmapped = "unmapped"
    /// A disjunction: a UD multi-value (`Case=Acc,Dat`) or a UniMorph `A/B`.
    case disjunctive = "disjunctive"
    /// A language-specific tag (`LGSPEC1`), outside every dimension.
    case languageSpecific = "language-specific"
    /// A conjunction whose parts lie in different dimensions (`Tense=Pqp` → `PST+PRF`).
    case crossDimension = "cross-dimension conjunction"
    /// A tag that the UniMorph schema does not list.
    case unknownTag = "unknown tag"
    /// Two different values for one dimension on the same word (`ADJ` and `V.PTCP`): both dropped.
    case conflict = "conflicting values"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One UD feature of one word that did not become a UniMorph value, and why.
public struct UniMorphDrop: Sendable, Hashable {
    /// The UD feature name (`Case`), or `UPOS` for the part-of-speech column.
    public var feature: String
    /// The UD value (`Acc,Dat`), or the UPOS tag.
    public var value: String
    /// Why it was dropped.
    public var reason: UniMorphDropReason
    /// The dimension concerned, when known (always for ``UniMorphDropReason/conflict``).
    public var attribute: UniMorphAttribute?

    /// Creates a drop record.
    public init(feature: String, value: String, reason: UniMorphDropReason, attribute: UniMorphAttribute? = nil) {
        self.feature = feature
        self.value = value
        self.reason = reason
        self.attribute = attribute
    }

    /// `Feature=Value` as in CoNLL-U (`UPOS=PUNCT` for part of speech).
    public var source: String { "\(feature)=\(value)" }
}
