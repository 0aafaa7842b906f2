import Foundation

/// Reading the `normalizer` and `pre_tokenizer` entries of `tokenizer.json`: every type HF
/// `tokenizers` 0.23 defines, with its defaults where a key is absent. (`decoder` is not read:
/// ids do not depend on it, and decoding is not implemented.)
extension TokenizerLoader {
    /// Reads a `normalizer` entry.
    ///
    /// - Throws: ``TokenizerError`` naming the file and key of an unknown type or a bad option.
    static func parseNormalizer(_ json: TokenizerJSON?) throws -> TextNormalizer? {
        guard let json else { return nil }
        let type = try json.type()
        switch type {
        case "BertNormalizer":
            let stripAccents = try json.optional("strip_accents")?.bool()
            return .bert(BertNormalizer(
                cleanText: try json.bool("clean_text", default: true),
                handleChineseCharacters: try json.bool("handle_chinese_chars", default: true),
                stripAccents: stripAccents, lowercase: try json.bool("lowercase", default: true)))
        case "Precompiled":
            guard let encoded = try json.optional("precompiled_charsmap")?.string(), !encoded.isEmpty else { return nil }
            guard let data = Data(base64Encoded: encoded) else {
                throw json.invalidChild("precompiled_charsmap", "base64 text")
            }
            do {
                return .precompiled(try PrecompiledCharsmap(blob: [UInt8](data)))
            } catch {
                throw json.invalidChild("precompiled_charsmap", "a SentencePiece charsmap (\(error))")
            }
        case "Sequence":
            let steps = try json.required("normalizers").array().compactMap { try parseNormalizer($0) }
            return .sequence(steps)
        case "Replace":
            let content = try json.required("content").string()
            switch try parsePattern(json.required("pattern")) {
            case let .literal(literal):
                return .replace(TextReplacement(literal: literal, content: content))
            case let .regex(regex, regexJSON):
                return .replace(try compiled(regexJSON) { try TextReplacement(regex: regex, content: content) })
            }
        case "Strip":
            return .strip(left: try json.bool("strip_left", default: true), right: try json.bool("strip_right", default: true))
        case "NFC", "NFD", "NFKC", "NFKD":
            return .unicode(TextNormalizer.UnicodeForm(rawValue: type) ?? .nfkc)
        case "Nmt":
            return .nmt
        case "Lowercase":
            return .lowercase
        case "StripAccents":
            return .stripAccents
        case "Prepend":
            return .prepend(try json.required("prepend").string())
        case "ByteLevel":
            return .byteLevel
        default:
            throw TokenizerError.unsupportedType(file: json.file, key: json.childPath("type"), type: type)
        }
    }

    /// Reads a `pre_tokenizer` entry.
    ///
    /// - Throws: ``TokenizerError`` naming the file and key of an unknown type or a bad option.
    static func parsePreTokenizer(_ json: TokenizerJSON?) throws -> PreTokenizer? {
        guard let json else { return nil }
        let type = try json.type()
        switch type {
        case "BertPreTokenizer":
            return .bert
        case "WhitespaceSplit":
            return .whitespaceSplit
        case "Whitespace":
            return .whitespace
        case "Punctuation":
            return .split(PieceSplit(.character(.punctuation), try parseBehavior(json, default: .isolated)))
        case "Digits":
            let individually = try json.bool("individual_digits", default: false)
            return .split(PieceSplit(.character(.numeric), individually ? .isolated : .contiguous))
        case "CharDelimiterSplit":
            let delimiterJSON = try json.required("delimiter")
            let delimiter = try delimiterJSON.string().unicodeScalars
            guard delimiter.count == 1, let scalar = delimiter.first else { throw delimiterJSON.invalid("a single character") }
            return .split(PieceSplit(.character(.scalar(scalar.value)), .removed))
        case "Split":
            let pattern: PieceSplit.Pattern
            switch try parsePattern(json.required("pattern")) {
            case let .literal(literal): pattern = .literal(Array(literal.utf8))
            case let .regex(regex, regexJSON): pattern = .regex(try compiled(regexJSON) { try TokenizerRegex(regex) })
            }
            guard try json.optional("behavior") != nil else { throw TokenizerError.missingKey(file: json.file, key: json.childPath("behavior")) }
            return .split(PieceSplit(pattern, try parseBehavior(json, default: .removed), invert: try json.bool("invert", default: false)))
        case "Metaspace":
            let replacementJSON = try json.required("replacement")
            let replacement = try replacementJSON.string()
            guard replacement.unicodeScalars.count == 1, let character = replacement.first else {
                throw replacementJSON.invalid("a single character")
            }
            var scheme = Metaspace.PrependScheme.always
            if let schemeJSON = try json.optional("prepend_scheme") {
                guard let parsed = Metaspace.PrependScheme(rawValue: try schemeJSON.string()) else {
                    throw schemeJSON.invalid("\"always\", \"first\" or \"never\"")
                }
                scheme = parsed
            }
            if try json.optional("add_prefix_space")?.bool() == false { scheme = .never }
            return .metaspace(Metaspace(replacement: character, prependScheme: scheme, split: try json.bool("split", default: true)))
        case "ByteLevel":
            return .byteLevel(ByteLevel(
                addPrefixSpace: try json.bool("add_prefix_space", default: true), usesRegex: try json.bool("use_regex", default: true)))
        case "UnicodeScripts":
            return .unicodeScripts
        case "FixedLength":
            let length = try json.int("length", default: 5)
            guard length > 0 else { throw json.invalidChild("length", "a positive number of characters") }
            return .fixedLength(length)
        case "Sequence":
            return .sequence(try json.required("pretokenizers").array().compactMap { try parsePreTokenizer($0) })
        default:
            throw TokenizerError.unsupportedType(file: json.file, key: json.childPath("type"), type: type)
        }
    }

    /// A `Split` or `Replace` pattern: `{"String": …}` or `{"Regex": …}`.
    private enum TextPattern {
        case literal(String)
        /// The expression and its key, for errors.
        case regex(String, TokenizerJSON)
    }

    private static func parsePattern(_ json: TokenizerJSON) throws -> TextPattern {
        if let literal = try json.optional("String") { return .literal(try literal.string()) }
        if let regex = try json.optional("Regex") { return .regex(try regex.string(), regex) }
        throw json.invalid("{\"String\": …} or {\"Regex\": …}")
    }

    /// Runs `make`, turning a regex compile error into one naming the pattern's key.
    private static func compiled<T>(_ regexJSON: TokenizerJSON, _ make: () throws -> T) throws -> T {
        do {
            return try make()
        } catch {
            throw TokenizerError.invalidValue(file: regexJSON.file, key: regexJSON.path, expected: "a regular expression (\(error))")
        }
    }

    /// A `behavior` option (`"Isolated"`, …), or `defaultValue` when absent.
    private static func parseBehavior(_ json: TokenizerJSON, default defaultValue: PieceSplit.Behavior) throws -> PieceSplit.Behavior {
        guard let behaviorJSON = try json.optional("behavior") else { return defaultValue }
        guard let behavior = PieceSplit.Behavior(rawValue: try behaviorJSON.string()) else {
            throw behaviorJSON.invalid("\"Removed\", \"Isolated\", \"MergedWithPrevious\", \"MergedWithNext\" or \"Contiguous\"")
        }
        return behavior
    }
}
