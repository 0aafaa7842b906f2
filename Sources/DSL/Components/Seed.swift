import Core

/// The seed of the random ranking and the control task: `Seed(1)`.
public struct Seed: StudyComponent {
    public static let componentName = "Seed"
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public func apply(to study: inout StudyDescription) { study.seed = value }
    public var description: String { "Seed(\(value))" }
}
