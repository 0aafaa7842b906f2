import Core

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
