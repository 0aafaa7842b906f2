import Core

/// Where the results go (default `results/<study name>`): `Output("results/morphology")`.
public struct Output: StudyComponent {
    public static let componentName = "Output"
    public var path: String
    public init(_ path: String) { self.path = path }
    public func apply(to study: inout StudyDescription) { study.output = path }
    public var description: String { "Output(\"\(path)\")" }
}
