import Core

/// The result builder behind `Study { … }`: each line is a ``StudyComponent``; `if`, `if`/`else`,
/// `switch` and `for` work as in any Swift block.
///
/// ```swift
/// Study("morphology") {
///     Model(.minilm)
///     for language in [Language.english, .spanish] { Languages(language) }
///     if quick { Probe(.linear, neurons: [10, 50, 150]) }
/// }
/// ```
@resultBuilder
public enum StudyBuilder {
    public typealias Part = [any StudyComponent]

    /// One component: `Layers(2, 4, 6)`.
    public static func buildExpression(_ component: some StudyComponent) -> Part { [component] }
    /// A preset's or a helper's list of components: `Study.antverg2022.components`.
    public static func buildExpression(_ components: [any StudyComponent]) -> Part { components }
    /// Consecutive lines.
    public static func buildBlock(_ parts: Part...) -> Part { parts.flatMap { $0 } }
    /// `if` without `else`.
    public static func buildOptional(_ part: Part?) -> Part { part ?? [] }
    /// `if`/`else` and `switch`, first branch.
    public static func buildEither(first part: Part) -> Part { part }
    /// `if`/`else` and `switch`, second branch.
    public static func buildEither(second part: Part) -> Part { part }
    /// `for … in …`.
    public static func buildArray(_ parts: [Part]) -> Part { parts.flatMap { $0 } }
    /// `if #available`.
    public static func buildLimitedAvailability(_ part: Part) -> Part { part }
}
