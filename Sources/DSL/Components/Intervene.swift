import Core

/// An intervention sweep on the model with each config's rankings (Antverg §4):
/// `Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 300, by: 10))`, `Intervene(.ablate)`.
/// Several lines add up.
public struct Intervene: StudyComponent {
    public static let componentName = "Intervene"
    public var edit: NeuronEdit
    /// nil: k = 0, 10, …, D.
    public var neuronCounts: [Int]?
    /// Empty: every attribute of the study.
    public var attributes: [Attribute]

    /// `Intervene(.ablate)` sweeps k = 0, 10, …, D; `neurons:` chooses the k values; `on:` the attributes.
    public init(_ edit: NeuronEdit, neurons: (some Sequence<Int>)? = nil as [Int]?, on attributes: [Attribute] = []) {
        self.edit = edit
        neuronCounts = neurons.map { Array($0) }
        self.attributes = attributes
    }

    public func apply(to study: inout StudyDescription) {
        study.interventions.append(StudyIntervention(edit: edit, neuronCounts: neuronCounts ?? [], attributes: attributes.map(\.name)))
    }
    public func problems() -> [StudyError] {
        if let counts = neuronCounts, counts.isEmpty { return [.invalidValue(component: "Intervene", problem: "neurons: no k values")] }
        return []
    }
    public var description: String {
        let edit: String
        switch self.edit {
        case .ablate: edit = ".ablate"
        case .translate(let beta): edit = ".translate(beta: \(beta.compactText))"
        case .translateUnscaled(let beta): edit = ".translateUnscaled(beta: \(beta.compactText))"
        }
        return "Intervene(\(edit)" + (neuronCounts.map { ", neurons: \(NeuronCounts.text($0))" } ?? "")
            + (attributes.isEmpty ? "" : ", on: [\(attributes.map(\.description).joined(separator: ", "))]") + ")"
    }
}
