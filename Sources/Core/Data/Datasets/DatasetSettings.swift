/// Which attributes to build and which values to keep (Antverg & Belinkov 2022, App. A.2).
public struct DatasetSettings: Sendable, Hashable, Codable {
    /// A value is kept only if at least this many distinct word types carry it in each split.
    public var minTypes: Int
    /// The attributes (UniMorph dimensions) to consider.
    public var attributes: [UniMorphAttribute]
    /// An attribute with fewer surviving values than this is not a task (default 2).
    public var minValues: Int

    /// The paper's settings: 100 types, the 13 studied attributes, at least 2 values.
    public init(minTypes: Int = 100, attributes: [UniMorphAttribute] = UniMorphAttribute.studied, minValues: Int = 2) {
        self.minTypes = minTypes
        self.attributes = attributes
        self.minValues = minValues
    }

    /// What a "word type" is when counting types: the word form exactly as written.
    public static let typeUnit = "word form (case-sensitive)"
}
