import Core

/// The hidden states probed (0 = embeddings): `Layers(2, 4, 6)`, `Layers(0...12, concatenated: true)`.
/// A later `Layers` line replaces an earlier one.
public struct Layers: StudyComponent {
    public static let componentName = "Layers"
    public var layers: [Int]
    /// Also probe all of them side by side (Durrani et al. §5).
    public var concatenated: Bool

    /// `Layers(2, 4, 6)`.
    public init(_ layers: Int..., concatenated: Bool = false) {
        self.layers = layers
        self.concatenated = concatenated
    }
    /// `Layers(1...6)` or `Layers([2, 7, 12])`.
    public init(_ layers: some Sequence<Int>, concatenated: Bool = false) {
        self.layers = Array(layers)
        self.concatenated = concatenated
    }

    public func apply(to study: inout StudyDescription) {
        study.layers = layers
        study.allLayersConcatenated = concatenated
    }
    public func problems() -> [StudyError] {
        var problems: [StudyError] = []
        if layers.isEmpty { problems.append(.invalidValue(component: "Layers", problem: "lists no layer")) }
        if let negative = layers.first(where: { $0 < 0 }) {
            problems.append(.invalidValue(component: "Layers", problem: "layer \(negative) is negative (0 is the embeddings)"))
        }
        return problems
    }
    public var description: String {
        let consecutive = layers.count >= 3 && zip(layers, layers.dropFirst()).allSatisfy { $1 == $0 + 1 }
        let list = consecutive ? "\(layers[0])...\(layers[layers.count - 1])" : layers.map(String.init).joined(separator: ", ")
        return "Layers(\(list)" + (concatenated ? ", concatenated: true)" : ")")
    }
}
