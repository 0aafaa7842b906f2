/// One syntactic word of a CoNLL-U sentence (a line whose ID is a single integer).
///
/// `_` fields become `nil` (or an empty dictionary for FEATS and MISC). A word inside a multiword
/// token (`del` = `de` + `el`) is its own `TreebankWord`; the surface token lives in
/// ``TreebankSentence/multiwordTokens``.
public struct TreebankWord: Sendable, Hashable {
    /// The 1-based word index within its sentence (column ID).
    public var id: Int
    /// The word form (column FORM). Never `nil`: a `_` form is kept as `"_"` since underscore is
    /// a legitimate token.
    public var form: String
    /// The lemma (column LEMMA), `nil` for `_` unless the form itself is `_`.
    public var lemma: String?
    /// The universal part-of-speech tag (column UPOS).
    public var upos: String?
    /// The language-specific part-of-speech tag (column XPOS).
    public var xpos: String?
    /// Morphological features (column FEATS), e.g. `["Number": "Sing", "Person": "3"]`.
    ///
    /// Multi-valued features keep their comma list (`"PronType": "Int,Rel"`); layered features
    /// keep their layer in the key (`"Number[psor]"`).
    public var features: [String: String]
    /// The head word's ID (column HEAD), 0 for the root, `nil` for `_`.
    public var head: Int?
    /// The dependency relation (column DEPREL).
    public var relation: String?
    /// Miscellaneous annotations (column MISC), e.g. `["SpaceAfter": "No"]`; a bare item without
    /// `=` maps to the empty string.
    public var misc: [String: String]

    /// Creates a word; only `id` and `form` are required.
    public init(
        id: Int, form: String, lemma: String? = nil, upos: String? = nil, xpos: String? = nil,
        features: [String: String] = [:], head: Int? = nil, relation: String? = nil,
        misc: [String: String] = [:]
    ) {
        self.id = id
        self.form = form
        self.lemma = lemma
        self.upos = upos
        self.xpos = xpos
        self.features = features
        self.head = head
        self.relation = relation
        self.misc = misc
    }

    /// Whether the word is followed by a space in the original text (MISC `SpaceAfter=No` says not).
    public var spaceAfter: Bool { misc["SpaceAfter"] != "No" }
}
