import Core

/// A language as the treebank folders name it (`UD_English-EWT` → English).
public struct Language: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral name: String) { self.name = name }

    public static let arabic = Language("Arabic")
    public static let bulgarian = Language("Bulgarian")
    public static let english = Language("English")
    public static let finnish = Language("Finnish")
    public static let french = Language("French")
    public static let hindi = Language("Hindi")
    public static let russian = Language("Russian")
    public static let spanish = Language("Spanish")
    public static let turkish = Language("Turkish")
    /// The nine languages of `../shared/ud`.
    public static let all: [Language] = [.arabic, .bulgarian, .english, .finnish, .french, .hindi, .russian, .spanish, .turkish]

    /// `.english`, or `"Catalan"` for a language outside the list.
    public var description: String {
        Self.all.contains(self) ? "." + name.lowercased() : "\"\(name)\""
    }
}

/// The languages whose treebanks a study reads: `Languages(.english, .spanish, .french)`.
/// Several `Languages` lines add up.
public struct Languages: StudyComponent {
    public static let componentName = "Languages"
    public var languages: [Language]

    /// `Languages(.english, .spanish)`.
    public init(_ languages: Language...) { self.languages = languages }
    /// `Languages(Language.all)`.
    public init(_ languages: [Language]) { self.languages = languages }

    public func apply(to study: inout StudyDescription) {
        for language in languages where !study.languages.contains(language.name) { study.languages.append(language.name) }
    }
    public func problems() -> [StudyError] {
        languages.isEmpty ? [.invalidValue(component: "Languages", problem: "lists no language")] : []
    }
    public var description: String { "Languages(\(languages.map(\.description).joined(separator: ", ")))" }
}
