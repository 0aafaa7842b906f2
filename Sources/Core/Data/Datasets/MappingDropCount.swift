/// How often one UD feature value was dropped by the UniMorph mapping, and why.
public struct MappingDropCount: Sendable, Hashable, Codable {
    /// `Feature=Value`, e.g. `PronType=Prs`, `UPOS=PUNCT`, `Case=Acc,Dat`.
    public var source: String
    /// Why it yields no value.
    public var reason: UniMorphDropReason
    /// Words affected.
    public var count: Int

    /// Creates a drop count.
    public init(source: String, reason: UniMorphDropReason, count: Int) {
        self.source = source
        self.reason = reason
        self.count = count
    }
}
