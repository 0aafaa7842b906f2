import Core

/// The neuron rankings a study computes and evaluates (each with its bottom-to-top order):
/// `Rank(.linear, .gaussian, .probeless, .random)`. A later `Rank` line replaces an earlier one.
public struct Rank: StudyComponent {
    public static let componentName = "Rank"
    public var methods: [RankingMethod]

    /// `Rank(.probeless)`; `.linearWeightMass` is NeuroX's ordering.
    public init(_ methods: RankingMethod...) { self.methods = methods }

    public func apply(to study: inout StudyDescription) { study.rankings = methods }
    public func problems() -> [StudyError] {
        var problems: [StudyError] = []
        if methods.isEmpty { problems.append(.invalidValue(component: "Rank", problem: "names no ranking (.linear, .gaussian, .probeless, .random)")) }
        if Set(methods).count < methods.count { problems.append(.contradictory("Rank names a ranking twice")) }
        return problems
    }
    public var description: String { "Rank(\(methods.map { "." + $0.caseName }.joined(separator: ", ")))" }
}

extension RankingMethod {
    /// The name of the case in Swift (`linearWeightMass`).
    public var caseName: String { self == .linearWeightMass ? "linearWeightMass" : rawValue }
}
