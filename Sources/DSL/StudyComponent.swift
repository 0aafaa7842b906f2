import Core

/// One line of a study: `Model(.minilm)`, `Layers(2, 4, 6)`, `Rank(.probeless)`, …
///
/// A component only describes; ``apply(to:)`` writes what it says into the study's
/// ``StudyDescription``, which Core plans and runs. The REPL builds the same components from text.
public protocol StudyComponent: Sendable, CustomStringConvertible {
    /// The component's name as written in a script (`Layers`).
    static var componentName: String { get }
    /// Writes the component into the description.
    func apply(to study: inout StudyDescription)
    /// Problems with this component alone (a negative layer, β ≤ 0).
    func problems() -> [StudyError]
}

extension StudyComponent {
    public func problems() -> [StudyError] { [] }
    /// The component's name (for messages about contradictions).
    var name: String { Self.componentName }
}
