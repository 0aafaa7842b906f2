/// A UniMorph dimension used as a probing attribute, e.g. `Case` or `Gender and Noun Class`.
///
/// The raw value is the dimension's name exactly as in `unimorph-tags.yaml`.
public struct UniMorphAttribute: RawRepresentable, Sendable, Hashable, Comparable, Codable,
    CustomStringConvertible, ExpressibleByStringLiteral
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let animacy: Self = "Animacy"
    public static let aspect: Self = "Aspect"
    public static let `case`: Self = "Case"
    public static let definiteness: Self = "Definiteness"
    public static let gender: Self = "Gender and Noun Class"
    public static let mood: Self = "Mood"
    public static let number: Self = "Number"
    public static let partOfSpeech: Self = "Part of Speech"
    public static let person: Self = "Person"
    public static let polarity: Self = "Polarity"
    public static let possession: Self = "Possession"
    public static let tense: Self = "Tense"
    public static let voice: Self = "Voice"

    /// The 13 attributes of Antverg & Belinkov 2022 (App. A.2), in alphabetical order.
    public static let studied: [Self] = [
        .animacy, .aspect, .case, .definiteness, .gender, .mood, .number, .partOfSpeech, .person,
        .polarity, .possession, .tense, .voice,
    ]

    /// A short, lowercase, space-free name for tables and flags (`gender`, `pos`, `case`).
    public var slug: String {
        switch self {
        case .gender: return "gender"
        case .partOfSpeech: return "pos"
        default: return rawValue.lowercased().filter { $0.isLetter || $0.isNumber }
        }
    }

    /// Finds the attribute a user meant among `known`: its full name, its slug, or a unique
    /// prefix, ignoring case, spaces and punctuation (`gender`, `pos`, `part-of-speech`, `Case`).
    ///
    /// - Throws: ``UniMorphError/unknownAttribute(name:known:)`` when nothing or several match.
    public static func parse(_ name: String, among known: [Self]) throws -> Self {
        func normal(_ text: String) -> String { text.lowercased().filter { $0.isLetter || $0.isNumber } }
        let wanted = normal(name)
        if let exact = known.first(where: { normal($0.rawValue) == wanted || $0.slug == wanted }) { return exact }
        let prefixed = known.filter { normal($0.rawValue).hasPrefix(wanted) }
        if !wanted.isEmpty, prefixed.count == 1 { return prefixed[0] }
        throw UniMorphError.unknownAttribute(name: name, known: known.map(\.rawValue))
    }
}
