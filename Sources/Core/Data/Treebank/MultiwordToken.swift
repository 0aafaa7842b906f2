/// A surface token that spans several syntactic words, from a CoNLL-U range line such as
/// `3-4	del	_	…`. Kept for display only: the syntactic words are the units of analysis.
public struct MultiwordToken: Sendable, Hashable {
    /// The IDs of the first and last syntactic word it covers, e.g. `3...4`.
    public var range: ClosedRange<Int>
    /// The surface form as written in the text.
    public var form: String
    /// Miscellaneous annotations of the token (e.g. `SpaceAfter=No`).
    public var misc: [String: String]

    /// Creates a multiword token.
    public init(range: ClosedRange<Int>, form: String, misc: [String: String] = [:]) {
        self.range = range
        self.form = form
        self.misc = misc
    }
}
