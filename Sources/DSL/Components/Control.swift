import Core

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
