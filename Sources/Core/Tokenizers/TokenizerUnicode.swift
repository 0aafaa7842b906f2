/// Character classification shared by the normalizers and pre-tokenizers, matching Hugging Face
/// `tokenizers` code point for code point (see ``TokenizerUnicode`` tables).
///
/// All functions take a Unicode scalar value and answer ASCII without a table look-up.
enum TokenizerUnicode {
    /// Whether `BertNormalizer(clean_text)` drops the character.
    @inline(__always)
    static func isRemovedByCleanText(_ v: UInt32) -> Bool {
        if v < 0x80 { return v < 0x09 || v == 0x0B || v == 0x0C || (v >= 0x0E && v < 0x20) || v == 0x7F }
        return contains(removedByCleanText, v)
    }

    /// Rust's `char::is_whitespace` (the Unicode `White_Space` property), which every HF
    /// whitespace test uses.
    @inline(__always)
    static func isWhitespace(_ v: UInt32) -> Bool {
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Whether `BertPreTokenizer` isolates the character: ASCII punctuation (33–47, 58–64, 91–96,
    /// 123–126) or a P* category.
    @inline(__always)
    static func isPunctuation(_ v: UInt32) -> Bool {
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        return contains(punctuation, v)
    }

    /// Rust's `char::is_numeric` (categories Nd, Nl, No), which `Digits` splits on.
    @inline(__always)
    static func isNumeric(_ v: UInt32) -> Bool {
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        guard let scalar = Unicode.Scalar(v) else { return false }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Whether the `StripAccents` normalizer removes the character (``combiningMarks``).
    @inline(__always)
    static func isCombiningMark(_ v: UInt32) -> Bool {
        v >= 0x300 && contains(combiningMarks, v)
    }

    /// Whether accent stripping removes the character (category Mn).
    @inline(__always)
    static func isNonspacingMark(_ v: UInt32) -> Bool {
        v >= 0x300 && contains(nonspacingMarks, v)
    }

    /// A "Chinese character" as BERT defines it: the CJK Unified Ideograph blocks and their
    /// compatibility blocks (ranges as in HF `tokenizers`' `BertNormalizer`).
    @inline(__always)
    static func isChineseCharacter(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Whether a character matches the regex class `\w` as Rust's `regex` crate defines it
    /// (Alphabetic, marks, decimal digits, connector punctuation, joiners), which decides whether
    /// a `single_word` added token stands alone.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value == 0x200C || scalar.value == 0x200D { return true }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// Binary search of a sorted, disjoint range table.
    @inline(__always)
    static func contains(_ table: [ClosedRange<UInt32>], _ v: UInt32) -> Bool {
        var low = 0
        var high = table.count
        while low < high {
            let mid = (low + high) >> 1
            let range = table[mid]
            if v < range.lowerBound {
                high = mid
            } else if v > range.upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }
}
