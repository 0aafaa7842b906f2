import Foundation

/// The UniMorph 3.0 schema: which tags belong to which dimension, and the canonical order of
/// dimensions, read from `unimorph-tags.yaml`.
public struct UniMorphTagSet: Sendable, Hashable {
    /// Every dimension with its tags, in file order.
    public var dimensions: [(attribute: UniMorphAttribute, tags: [String])] {
        orderedDimensions.map { ($0, tagsByDimension[$0] ?? []) }
    }
    /// The canonical order of dimensions (the file's `ordering` list).
    public private(set) var ordering: [UniMorphAttribute]
    private var orderedDimensions: [UniMorphAttribute]
    private var tagsByDimension: [UniMorphAttribute: [String]]
    private var dimensionByTag: [String: UniMorphAttribute]

    /// Creates a tag set from dimensions and their tags.
    ///
    /// A tag listed under two dimensions belongs to the first (``parse(_:fileName:)`` rejects
    /// such files).
    public init(dimensions: [(UniMorphAttribute, [String])], ordering: [UniMorphAttribute]) {
        orderedDimensions = dimensions.map(\.0)
        tagsByDimension = [:]
        dimensionByTag = [:]
        for (dimension, tags) in dimensions {
            tagsByDimension[dimension] = tags
            for tag in tags {
                if dimensionByTag[tag] == nil { dimensionByTag[tag] = dimension }
            }
        }
        self.ordering = ordering.isEmpty ? orderedDimensions : ordering
    }

    /// The dimension a single tag (not a conjunction) belongs to, e.g. `PST` → `Tense`.
    public func dimension(of tag: String) -> UniMorphAttribute? { dimensionByTag[tag] }

    /// The tags of one dimension.
    public func tags(of dimension: UniMorphAttribute) -> [String] { tagsByDimension[dimension] ?? [] }

    /// All dimension names in file order.
    public var attributes: [UniMorphAttribute] { orderedDimensions }

    /// The position of `dimension` in the canonical order (unknown dimensions sort last).
    public func rank(of dimension: UniMorphAttribute) -> Int {
        ordering.firstIndex(of: dimension) ?? ordering.count
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.orderedDimensions == rhs.orderedDimensions && lhs.tagsByDimension == rhs.tagsByDimension
            && lhs.ordering == rhs.ordering
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(orderedDimensions)
        hasher.combine(ordering)
    }
}

// MARK: - Reading the YAML file

extension UniMorphTagSet {
    /// Reads `unimorph-tags.yaml`.
    ///
    /// The file is a small YAML subset, read by hand: `#` comments, a top-level `categories:`
    /// map of dimension name (optionally quoted) to a list of `- TAG` items, and a top-level
    /// `ordering:` list of dimension names.
    ///
    /// - Throws: ``UniMorphError`` naming the file and line of anything else.
    public static func load(from url: URL) throws -> UniMorphTagSet {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw UniMorphError.unreadable(url, error)
        }
        return try parse(text, fileName: url.lastPathComponent)
    }

    /// Parses the text of `unimorph-tags.yaml` (see ``load(from:)``).
    public static func parse(_ text: String, fileName: String) throws -> UniMorphTagSet {
        var dimensions: [(UniMorphAttribute, [String])] = []
        var ordering: [UniMorphAttribute] = []
        var section: String?
        var sawCategories = false
        var dimensionOfTag: [String: String] = [:]
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = offset + 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let indent = line.prefix(while: { $0 == " " }).count
            let content = line.dropFirst(indent)
            if content.isEmpty || content.hasPrefix("#") { continue }
            func fail(_ reason: String) -> UniMorphError {
                .malformedLine(file: fileName, line: lineNumber, column: indent + 1, reason: reason)
            }
            if content.hasPrefix("- ") || content == "-" {
                let item = unquote(content.dropFirst(1))
                guard !item.isEmpty else { throw fail("empty list item") }
                switch section {
                case "categories":
                    guard !dimensions.isEmpty, indent >= 2 else { throw fail("tag '\(item)' outside a dimension") }
                    let dimension = dimensions[dimensions.count - 1].0.rawValue
                    if let other = dimensionOfTag[item] {
                        throw fail("tag '\(item)' is in both '\(other)' and '\(dimension)'")
                    }
                    dimensionOfTag[item] = dimension
                    dimensions[dimensions.count - 1].1.append(item)
                case "ordering":
                    ordering.append(UniMorphAttribute(rawValue: item))
                default:
                    throw fail("list item '\(item)' outside 'categories' or 'ordering'")
                }
                continue
            }
            guard content.hasSuffix(":") else { throw fail("expected 'name:' or '- item', found '\(content)'") }
            let key = unquote(content.dropLast())
            if indent == 0 {
                section = key
                if key == "categories" { sawCategories = true }
            } else if section == "categories" {
                dimensions.append((UniMorphAttribute(rawValue: key), []))
            } else {
                throw fail("nested key '\(key)' outside 'categories'")
            }
        }
        guard sawCategories else { throw UniMorphError.missingSection(file: fileName, name: "categories") }
        return UniMorphTagSet(dimensions: dimensions, ordering: ordering)
    }

    /// Trims spaces and one pair of surrounding single or double quotes.
    private static func unquote(_ text: Substring) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, let first = trimmed.first, first == "'" || first == "\"", trimmed.last == first {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }
}
