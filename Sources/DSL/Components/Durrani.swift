import Core

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
