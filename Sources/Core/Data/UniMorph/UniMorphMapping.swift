import Foundation

/// The UD → UniMorph conversion of McCarthy et al. (2018), read from `ud-unimorph-mapping.tsv`,
/// with tags grouped into dimensions by a ``UniMorphTagSet``.
///
/// Each `Feature=Value` row (and each UPOS row) gives a `;`-separated list of UniMorph tags.
/// A tag joined with `+` (`IN+ESS`) is a conjunction: one value, kept when all its parts lie in
/// one dimension. Empty rows, unlisted features, UD multi-values (`Case=Acc,Dat`), UniMorph
/// disjunctions (`A/B`) and `LGSPEC` tags are dropped and reported in ``UniMorphAnalysis/drops``.
public struct UniMorphMapping: Sendable {
    /// What one table row becomes: values of dimensions, and dropped parts.
    struct Outcome: Sendable {
        var values: [(UniMorphAttribute, String)] = []
        var drops: [UniMorphDropReason] = []
    }

    /// The schema used to assign tags to dimensions.
    public let tagSet: UniMorphTagSet
    /// The raw rows: `"Case=Ine"` → `"IN+ESS"`, `"NOUN"` → `"N"` (an empty string when unmapped).
    public let rows: [String: String]
    private let featureOutcomes: [String: [String: Outcome]]
    private let posOutcomes: [String: Outcome]

    /// Compiles `rows` (keys `Feature=Value` or a UPOS tag) against `tagSet`.
    public init(rows: [String: String], tagSet: UniMorphTagSet) {
        self.rows = rows
        self.tagSet = tagSet
        var features: [String: [String: Outcome]] = [:]
        var pos: [String: Outcome] = [:]
        for (key, unimorph) in rows {
            let outcome = Self.compile(unimorph, tagSet: tagSet)
            if let equals = key.firstIndex(of: "=") {
                features[String(key[..<equals]), default: [:]][String(key[key.index(after: equals)...])] = outcome
            } else {
                pos[key] = outcome
            }
        }
        featureOutcomes = features
        posOutcomes = pos
    }

    /// Reads the mapping and tag tables from the shared data folder.
    public static func load(from shared: SharedData) throws -> UniMorphMapping {
        try load(table: shared.mappingTable, tags: shared.tagTable)
    }

    /// Reads `ud-unimorph-mapping.tsv` and `unimorph-tags.yaml`.
    ///
    /// - Throws: ``UniMorphError`` naming the file and line of a malformed row.
    public static func load(table: URL, tags: URL) throws -> UniMorphMapping {
        let tagSet = try UniMorphTagSet.load(from: tags)
        let text: String
        do {
            text = try String(contentsOf: table, encoding: .utf8)
        } catch {
            throw UniMorphError.unreadable(table, error)
        }
        return UniMorphMapping(rows: try parseTable(text, fileName: table.lastPathComponent), tagSet: tagSet)
    }

    /// Parses the TSV: a header `UD	UniMorph	…`, then rows of a UD key and its UniMorph tags
    /// (further columns are comments).
    public static func parseTable(_ text: String, fileName: String) throws -> [String: String] {
        var rows: [String: String] = [:]
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            let key = fields[0].trimmingCharacters(in: .whitespaces)
            if offset == 0 && key == "UD" { continue }
            guard !key.isEmpty else {
                throw UniMorphError.malformedLine(file: fileName, line: offset + 1, column: 1, reason: "empty UD column")
            }
            if key.hasSuffix("=") || key.hasPrefix("=") {
                throw UniMorphError.malformedLine(
                    file: fileName, line: offset + 1, column: 1, reason: "bad UD feature '\(key)'")
            }
            if rows[key] != nil {
                throw UniMorphError.malformedLine(
                    file: fileName, line: offset + 1, column: 1, reason: "'\(key)' listed twice")
            }
            rows[key] = fields.count > 1 ? fields[1].trimmingCharacters(in: .whitespaces) : ""
        }
        return rows
    }

    static func compile(_ unimorph: String, tagSet: UniMorphTagSet) -> Outcome {
        var outcome = Outcome()
        let tags = unimorph.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if tags.isEmpty { outcome.drops.append(.unmapped) }
        for tag in tags {
            if tag.hasPrefix("LGSPEC") {
                outcome.drops.append(.languageSpecific)
            } else if tag.contains("/") {
                outcome.drops.append(.disjunctive)
            } else {
                let dimensions = Set(tag.split(separator: "+").map { tagSet.dimension(of: String($0)) })
                if dimensions.contains(nil) {
                    outcome.drops.append(.unknownTag)
                } else if dimensions.count != 1 {
                    outcome.drops.append(.crossDimension)
                } else if let dimension = dimensions.first ?? nil {
                    outcome.values.append((dimension, tag))
                }
            }
        }
        return outcome
    }

    /// The UniMorph reading of `word`: its UPOS and every FEATS item.
    public func analyse(_ word: TreebankWord) -> UniMorphAnalysis {
        analyse(upos: word.upos, features: word.features)
    }

    /// The UniMorph reading of a UPOS tag and UD features.
    public func analyse(upos: String?, features: [String: String]) -> UniMorphAnalysis {
        var analysis = UniMorphAnalysis()
        var conflicted: Set<UniMorphAttribute> = []
        func apply(_ outcome: Outcome, feature: String, value: String) {
            for reason in outcome.drops {
                analysis.drops.append(UniMorphDrop(feature: feature, value: value, reason: reason))
            }
            for (dimension, tag) in outcome.values {
                guard let existing = analysis.values[dimension] else {
                    analysis.values[dimension] = tag
                    continue
                }
                if existing == tag || existing.hasPrefix(tag + ".") { continue }
                if tag.hasPrefix(existing + ".") {
                    analysis.values[dimension] = tag  // a refinement: V → V.PTCP
                } else {
                    conflicted.insert(dimension)
                }
            }
        }
        if let upos {
            if let outcome = posOutcomes[upos] {
                apply(outcome, feature: "UPOS", value: upos)
            } else {
                analysis.drops.append(UniMorphDrop(feature: "UPOS", value: upos, reason: .unmapped))
            }
        }
        for (feature, value) in features {
            if let outcome = featureOutcomes[feature]?[value] {
                apply(outcome, feature: feature, value: value)
            } else {
                let reason: UniMorphDropReason = value.contains(",") ? .disjunctive : .unmapped
                analysis.drops.append(UniMorphDrop(feature: feature, value: value, reason: reason))
            }
        }
        for dimension in conflicted {
            let value = analysis.values.removeValue(forKey: dimension) ?? ""
            analysis.drops.append(UniMorphDrop(feature: dimension.rawValue, value: value, reason: .conflict, attribute: dimension))
        }
        return analysis
    }
}
