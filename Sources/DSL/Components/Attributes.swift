import Core

/// A UniMorph attribute: `.number`, `.gender`, `.tense`, `.partOfSpeech`, …
public struct Attribute: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The UniMorph dimension's name (`Gender and Noun Class`).
    public var name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral name: String) { self.name = name }

    public static let animacy = Attribute("Animacy")
    public static let aspect = Attribute("Aspect")
    public static let grammaticalCase = Attribute("Case")
    public static let definiteness = Attribute("Definiteness")
    public static let gender = Attribute("Gender and Noun Class")
    public static let mood = Attribute("Mood")
    public static let number = Attribute("Number")
    public static let partOfSpeech = Attribute("Part of Speech")
    public static let person = Attribute("Person")
    public static let polarity = Attribute("Polarity")
    public static let possession = Attribute("Possession")
    public static let tense = Attribute("Tense")
    public static let voice = Attribute("Voice")
    /// The 13 attributes of Antverg & Belinkov 2022.
    public static let all: [Attribute] = [.animacy, .aspect, .grammaticalCase, .definiteness, .gender, .mood, .number,
                                          .partOfSpeech, .person, .polarity, .possession, .tense, .voice]

    /// The case name in scripts (`.number`), or the quoted name.
    public var caseName: String? {
        let names = ["animacy", "aspect", "grammaticalCase", "definiteness", "gender", "mood", "number", "partOfSpeech",
                     "person", "polarity", "possession", "tense", "voice"]
        return Self.all.firstIndex(of: self).map { names[$0] }
    }

    public var description: String { caseName.map { "." + $0 } ?? "\"\(name)\"" }
}

/// The attributes probed in every language: `Attributes(.number, .gender, .tense)`. Several lines add up.
/// `Attributes(Attribute.all, whereFound: true)` asks for every attribute the data supports: those
/// found in no language are noted in the plan and left out instead of refused.
public struct Attributes: StudyComponent {
    public static let componentName = "Attributes"
    public var attributes: [Attribute]
    /// Leave out, with a note, the attributes that no language's data supports.
    public var whereFound: Bool

    /// `Attributes(.number, .gender)`.
    public init(_ attributes: Attribute...) {
        self.attributes = attributes
        whereFound = false
    }
    /// `Attributes(Attribute.all)`, `Attributes(Attribute.all, whereFound: true)`.
    public init(_ attributes: [Attribute], whereFound: Bool = false) {
        self.attributes = attributes
        self.whereFound = whereFound
    }

    public func apply(to study: inout StudyDescription) {
        for attribute in attributes where !study.attributes.contains(attribute.name) { study.attributes.append(attribute.name) }
        if whereFound { study.attributesWhereFound = true }
    }
    public func problems() -> [StudyError] {
        attributes.isEmpty ? [.invalidValue(component: "Attributes", problem: "lists no attribute")] : []
    }
    public var description: String {
        "Attributes(" + attributes.map(\.description).joined(separator: ", ") + (whereFound ? ", whereFound: true)" : ")")
    }
}
