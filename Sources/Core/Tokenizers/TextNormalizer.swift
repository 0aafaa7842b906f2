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
    /// `StripAccents`: drop combining marks (categories M*, as HF's Unicode tables have them).
    case stripAccents
    /// `Prepend`: put a string in front of non-empty text.
    case prepend(String)
    /// `Nmt`: SentencePiece's NMT clean-up: drop control characters, turn other odd spaces into `" "`.
    case nmt
    /// `ByteLevel`: spell every UTF-8 byte with GPT-2's byte-level alphabet.
    case byteLevel
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
            for scalar in text.unicodeScalars where !TokenizerUnicode.isCombiningMark(scalar.value) { view.append(scalar) }
            return String(view)
        case let .prepend(prefix):
            return text.isEmpty ? text : prefix + text
        case .nmt:
            return TextNormalizer.nmt(text)
        case .byteLevel:
            return ByteLevel.respell(text)
        case let .sequence(normalizers):
            var result = text
            for normalizer in normalizers { result = normalizer.normalize(result) }
            return result
        }
    }

    /// HF's `Nmt` (SentencePiece's `nmt_nfkc` without the NFKC): C0 controls but tab, line feed,
    /// form feed and carriage return, and DEL, U+008F, U+009F are dropped; those four, U+1680,
    /// U+200B…U+200F, U+2028, U+2029, U+2581, U+FEFF and U+FFFD become a space. NUL is kept.
    static func nmt(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x8F, 0x9F:
                changed = true
            case 0x09, 0x0A, 0x0C, 0x0D, 0x1680, 0x200B...0x200F, 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD:
                view.append(" ")
                changed = true
            default:
                view.append(scalar)
            }
        }
        return changed ? String(view) : text
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
