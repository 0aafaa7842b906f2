import Foundation

/// HF's `Replace` normalizer: a literal string or a regular expression, and its replacement.
///
/// `X{n,}` for a single literal character (SentencePiece converters use `" {2,}"`) runs without a
/// regex engine; other expressions use ``TokenizerRegex``.
struct TextReplacement: Sendable {
    /// How matches are found.
    enum Pattern: Sendable {
        /// Exact substring.
        case literal(String)
        /// A run of at least `minimum` copies of one character.
        case run(Character, minimum: Int)
        /// A general regular expression.
        case regex(TokenizerRegex)
    }

    let pattern: Pattern
    let content: String

    /// Makes a replacement from a literal pattern.
    init(literal: String, content: String) {
        self.pattern = .literal(literal)
        self.content = content
    }

    /// Makes a replacement from a regular expression.
    ///
    /// - Throws: ``TokenizerRegex/CompileError`` when the expression does not compile.
    init(regex: String, content: String) throws {
        self.content = content
        let scalars = Array(regex.unicodeScalars)
        if scalars.count >= 5, scalars.last == "}", let brace = scalars.firstIndex(of: "{"),
           brace == 1, !"\\.[]()*+?^$|{}".unicodeScalars.contains(scalars[0]),
           scalars[scalars.count - 2] == ",",
           let minimum = Int(String(String.UnicodeScalarView(scalars[2..<(scalars.count - 2)]))) {
            self.pattern = .run(Character(scalars[0]), minimum: minimum)
        } else {
            self.pattern = .regex(try TokenizerRegex(regex))
        }
    }

    /// Replaces every non-overlapping occurrence of `needle`, byte for byte (no Unicode
    /// equivalence: HF escapes the literal into a regex).
    static func replaceBytes(_ text: String, _ needle: [UInt8], with replacement: [UInt8]) -> String {
        guard !needle.isEmpty else { return text }
        let bytes = Array(text.utf8)
        guard bytes.count >= needle.count else { return text }
        var out: [UInt8] = []
        var i = 0
        var changed = false
        while i < bytes.count {
            if bytes[i] == needle[0], i + needle.count <= bytes.count, bytes[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: replacement)
                i += needle.count
                changed = true
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    /// Replaces every non-overlapping match, left to right.
    func apply(_ text: String) -> String {
        switch pattern {
        case let .literal(literal):
            return TextReplacement.replaceBytes(text, Array(literal.utf8), with: Array(content.utf8))
        case let .run(character, minimum):
            guard let scalar = character.unicodeScalars.first else { return text }
            var result = String.UnicodeScalarView()
            var run = 0
            var changed = false
            func flush() {
                if run >= minimum {
                    result.append(contentsOf: content.unicodeScalars)
                    changed = true
                } else {
                    for _ in 0..<run { result.append(scalar) }
                }
                run = 0
            }
            for s in text.unicodeScalars {
                if s == scalar {
                    run += 1
                } else {
                    if run > 0 { flush() }
                    result.append(s)
                }
            }
            if run > 0 { flush() }
            return changed ? String(result) : text
        case let .regex(regex):
            return regex.replacingMatches(in: text, with: content)
        }
    }
}
