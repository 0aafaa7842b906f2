/// How a word's vector is made from the vectors of its subwords.
public enum WordAggregation: String, Codable, Sendable, CaseIterable {
    /// Mean of all subword vectors (Antverg & Belinkov 2022; the default).
    case mean
    /// The first subword's vector (NeuroX option).
    case first
    /// The last subword's vector (NeuroX option).
    case last
}
