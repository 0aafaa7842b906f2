import Foundation

/// A normalizer from `tokenizer.json` (`"normalizer"`), applied to text before pre-tokenization.
indirect enum TextNormalizer: Sendable {
    /// `BertNormalizer`.
    case bert(BertNormalizer)
    /// `Precompiled`: SentencePiece's compiled character map.
    case precompiled(PrecompiledCharsmap)
    /// `Replace`: every match of a pattern becomes `content`.
    case replace(TextReplacement)
    /// `Strip`: remove leading and/or trailing whitespace.
    case strip(left: Bool, right: Bool)
    /// `NFC`, `NFD`, `NFKC`, `NFKD`.
    case unicode(UnicodeForm)
    /// `Lowercase`.
    case lowercase
    /// `StripAccents`: drop combining marks.
    case stripAccents
    /// `Prepend`: put a string in front of non-empty text.
    case prepend(String)
    /// `Sequence`: apply each in turn.
    case sequence([TextNormalizer])

    /// A Unicode normalization form.
    enum UnicodeForm: String, Sendable {
        case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD"
    }

    /// Normalizes text.
    func normalize(_ text: String) -> String {
        switch self {
        case let .bert(normalizer):
            return normalizer.normalize(text)
        case let .precompiled(charsmap):
            return charsmap.normalize(text)
        case let .replace(replacement):
            return replacement.apply(text)
        case let .strip(left, right):
            return TextNormalizer.strip(text, left: left, right: right)
        case let .unicode(form):
            if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
            switch form {
            case .nfc: return text.precomposedStringWithCanonicalMapping
            case .nfd: return text.decomposedStringWithCanonicalMapping
            case .nfkc: return text.precomposedStringWithCompatibilityMapping
            case .nfkd: return text.decomposedStringWithCompatibilityMapping
            }
        case .lowercase:
            var view = String.UnicodeScalarView()
            for scalar in text.unicodeScalars { view.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars) }
            return String(view)
        case .stripAccents:
            var view = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar.properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark: continue
                default: view.append(scalar)
                }
            }
            return String(view)
        case let .prepend(prefix):
            return text.isEmpty ? text : prefix + text
        case let .sequence(normalizers):
            var result = text
            for normalizer in normalizers { result = normalizer.normalize(result) }
            return result
        }
    }

    /// Removes whitespace (Rust `char::is_whitespace`) from the ends.
    static func strip(_ text: String, left: Bool, right: Bool) -> String {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        if left {
            while start < end, TokenizerUnicode.isWhitespace(scalars[start].value) { start = scalars.index(after: start) }
        }
        if right {
            while end > start {
                let before = scalars.index(before: end)
                guard TokenizerUnicode.isWhitespace(scalars[before].value) else { break }
                end = before
            }
        }
        if start == scalars.startIndex, end == scalars.endIndex { return text }
        return String(scalars[start..<end])
    }
}
