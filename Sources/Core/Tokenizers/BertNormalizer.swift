import Foundation

/// BERT's text clean-up, in HF `BertNormalizer` order: drop control characters and turn
/// whitespace into spaces, put spaces around CJK ideographs, strip accents (NFD, then drop
/// nonspacing marks), lower-case.
struct BertNormalizer: Sendable {
    /// Drop NUL, U+FFFD and control characters; map whitespace to `" "`.
    var cleanText = true
    /// Surround CJK ideographs with spaces so that each becomes a word.
    var handleChineseCharacters = true
    /// Strip accents; `nil` follows ``lowercase`` (HF's default).
    var stripAccents: Bool?
    /// Lower-case every character (full Unicode mapping, character by character).
    var lowercase = true

    /// Whether accents are stripped after resolving the default.
    var stripsAccents: Bool { stripAccents ?? lowercase }

    /// Normalizes text.
    func normalize(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return normalizeASCII(text) }
        var scalars: [UInt32] = []
        scalars.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if cleanText {
                if v == 0 || v == 0xFFFD || TokenizerUnicode.isRemovedByCleanText(v) { continue }
                if TokenizerUnicode.isWhitespace(v) {
                    scalars.append(0x20)
                    continue
                }
            }
            if handleChineseCharacters, TokenizerUnicode.isChineseCharacter(v) {
                scalars.append(0x20)
                scalars.append(v)
                scalars.append(0x20)
            } else {
                scalars.append(v)
            }
        }
        if stripsAccents {
            var view = String.UnicodeScalarView()
            var needsDecomposition = false
            for v in scalars {
                if v >= 0xC0 { needsDecomposition = true }
                if let s = Unicode.Scalar(v) { view.append(s) }
            }
            if needsDecomposition {
                let decomposed = String(view).decomposedStringWithCanonicalMapping
                scalars.removeAll(keepingCapacity: true)
                for s in decomposed.unicodeScalars where !TokenizerUnicode.isNonspacingMark(s.value) {
                    scalars.append(s.value)
                }
            } else {
                scalars.removeAll { TokenizerUnicode.isNonspacingMark($0) }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(scalars.count * 2)
        for v in scalars {
            if lowercase {
                if v < 0x80 {
                    out.append(v >= 0x41 && v <= 0x5A ? UInt8(v + 0x20) : UInt8(v))
                } else if let s = Unicode.Scalar(v) {
                    out.append(contentsOf: s.properties.lowercaseMapping.utf8)
                }
            } else {
                UTF8Scalars.append(v, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The ASCII-only fast path (no CJK, no accents).
    private func normalizeASCII(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            var b = byte
            if cleanText {
                if TokenizerUnicode.isRemovedByCleanText(UInt32(b)) { continue }
                if TokenizerUnicode.isWhitespace(UInt32(b)) { b = 0x20 }
            }
            if lowercase, b >= 0x41, b <= 0x5A { b += 0x20 }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
