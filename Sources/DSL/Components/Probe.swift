import Core

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
