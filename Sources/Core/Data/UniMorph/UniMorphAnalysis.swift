/// The UniMorph reading of one treebank word: one value per dimension, plus what was dropped.
///
/// A conjunction such as `IN+ESS` is one value of its dimension.
public struct UniMorphAnalysis: Sendable, Hashable {
    /// The value of each dimension the word carries, e.g. `[.number: "PL", .partOfSpeech: "N"]`.
    public var values: [UniMorphAttribute: String]
    /// The features that yielded no value, and why.
    public var drops: [UniMorphDrop]

    /// Creates an analysis.
    public init(values: [UniMorphAttribute: String] = [:], drops: [UniMorphDrop] = []) {
        self.values = values
        self.drops = drops
    }

    /// The value of `attribute`, if the word carries one.
    public subscript(attribute: UniMorphAttribute) -> String? { values[attribute] }

    /// The values in the schema's canonical dimension order, e.g. `["V", "IND", "PST", "FIN"]`.
    public func tags(in tagSet: UniMorphTagSet) -> [String] {
        values.sorted { lhs, rhs in
            let (l, r) = (tagSet.rank(of: lhs.key), tagSet.rank(of: rhs.key))
            return l != r ? l < r : lhs.key < rhs.key
        }.map(\.value)
    }

    /// The UniMorph bundle, e.g. `V;IND;PST;FIN`.
    public func bundle(in tagSet: UniMorphTagSet) -> String { tags(in: tagSet).joined(separator: ";") }
}
