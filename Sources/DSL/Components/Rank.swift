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

/// The classifiers that evaluate every ranking on its top-k neurons, and the k values:
/// `Probe(.linear, .gaussian, neurons: 1...150)`. A later `Probe` line replaces an earlier one.
public struct Probe: StudyComponent {
    public static let componentName = "Probe"
    public var classifiers: [ProbeKind]
    public var neuronCounts: [Int]

    /// `Probe(.linear, .gaussian, neurons: 1...150)` or `neurons: [10, 50, 150]` or `neurons: stride(from: 5, through: 150, by: 5)`.
    public init(_ classifiers: ProbeKind..., neurons: some Sequence<Int> = 1...150) {
        self.classifiers = classifiers
        neuronCounts = Array(neurons)
    }

    public func apply(to study: inout StudyDescription) {
        study.classifiers = classifiers
        study.neuronCounts = Array(Set(neuronCounts)).sorted()
    }
    public func problems() -> [StudyError] {
        var problems: [StudyError] = []
        if classifiers.isEmpty { problems.append(.invalidValue(component: "Probe", problem: "names no classifier (.linear, .gaussian)")) }
        if neuronCounts.isEmpty { problems.append(.invalidValue(component: "Probe", problem: "neurons: no k values")) }
        return problems
    }
    public var description: String {
        "Probe(\(classifiers.map { "." + $0.rawValue }.joined(separator: ", ")), neurons: \(NeuronCounts.text(neuronCounts)))"
    }
}

/// Writes k lists back the way a script would: `1...150`, `stride(from: 0, through: 300, by: 10)`, `[10, 50]`.
enum NeuronCounts {
    static func text(_ counts: [Int]) -> String {
        guard counts.count >= 3, let first = counts.first, let last = counts.last else {
            return "[" + counts.map(String.init).joined(separator: ", ") + "]"
        }
        let step = counts[1] - counts[0]
        guard step > 0, zip(counts, counts.dropFirst()).allSatisfy({ $1 - $0 == step }) else {
            return "[" + counts.map(String.init).joined(separator: ", ") + "]"
        }
        return step == 1 ? "\(first)...\(last)" : "stride(from: \(first), through: \(last), by: \(step))"
    }
}

/// The control task for selectivity (Hewitt & Liang 2019): `Control(.uniform)` (Antverg) or
/// `Control(.empirical)` (Durrani). Without it, no selectivity curves.
public struct Control: StudyComponent {
    public static let componentName = "Control"
    public var sampler: ControlTask.Sampler

    /// `Control(.uniform)`.
    public init(_ sampler: ControlTask.Sampler) { self.sampler = sampler }

    public func apply(to study: inout StudyDescription) { study.control = sampler }
    public var description: String { "Control(.\(sampler.rawValue))" }
}

/// Durrani et al. 2020's λ search, ablation and minimal neuron sets: `Durrani(.concatenated)`
/// (on the all-layers configs, their §5) or `Durrani(.every)`.
public struct Durrani: StudyComponent {
    public static let componentName = "Durrani"
    public var scope: DurraniScope

    /// `Durrani(.every)`.
    public init(_ scope: DurraniScope = .every) { self.scope = scope }

    public func apply(to study: inout StudyDescription) { study.durrani = scope }
    public var description: String { "Durrani(.\(scope.rawValue))" }
}

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

/// What the report draws and tabulates: `Report(.accuracyCurves, .selectivity, .overlaps, .interventions)`.
/// Without it, everything the results allow.
public struct Report: StudyComponent {
    public static let componentName = "Report"
    public var kinds: [ReportKind]

    /// `Report(.accuracyCurves, .overlaps)`.
    public init(_ kinds: ReportKind...) { self.kinds = kinds }

    public func apply(to study: inout StudyDescription) {
        for kind in kinds where !study.reports.contains(kind) { study.reports.append(kind) }
    }
    public var description: String { "Report(\(kinds.map { "." + $0.rawValue }.joined(separator: ", ")))" }
}

/// The value filter: a value stays when at least this many word types carry it in each split
/// (Antverg: 100). `MinTypes(50)`.
public struct MinTypes: StudyComponent {
    public static let componentName = "MinTypes"
    public var count: Int
    public init(_ count: Int) { self.count = count }
    public func apply(to study: inout StudyDescription) { study.minTypes = count }
    public func problems() -> [StudyError] {
        count >= 1 ? [] : [.invalidValue(component: "MinTypes", problem: "must be at least 1, not \(count)")]
    }
    public var description: String { "MinTypes(\(count))" }
}

/// The seed of the random ranking and the control task: `Seed(1)`.
public struct Seed: StudyComponent {
    public static let componentName = "Seed"
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public func apply(to study: inout StudyDescription) { study.seed = value }
    public var description: String { "Seed(\(value))" }
}

/// Where the results go (default `results/<study name>`): `Output("results/morphology")`.
public struct Output: StudyComponent {
    public static let componentName = "Output"
    public var path: String
    public init(_ path: String) { self.path = path }
    public func apply(to study: inout StudyDescription) { study.output = path }
    public var description: String { "Output(\"\(path)\")" }
}
