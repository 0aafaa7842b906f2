import Foundation

/// A regular expression from `tokenizer.json` (`Split` and `Replace` patterns, ByteLevel's GPT-2
/// expression), matched on UTF-8 byte ranges.
///
/// HF compiles these with Oniguruma; ICU's `NSRegularExpression` reads the same syntax for what
/// tokenizers use (`\p{L}`, `\p{N}`, `\s`, classes, alternation, `(?!…)`, `(?i:…)`, `{m,n}`), and
/// both scan left to right for non-overlapping leftmost matches. Character properties follow each
/// library's Unicode version, so code points assigned since the older one may differ.
final class TokenizerRegex: @unchecked Sendable {
    // NSRegularExpression is immutable once made and documented as safe to share between threads.
    let expression: NSRegularExpression
    let pattern: String

    /// Compiles `pattern`.
    ///
    /// - Throws: ``CompileError`` with ICU's reason on one line.
    init(_ pattern: String) throws {
        self.pattern = pattern
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw CompileError(pattern: pattern, reason: (error as NSError).localizedDescription)
        }
    }

    /// Why a pattern did not compile.
    struct CompileError: Error, CustomStringConvertible {
        let pattern: String
        let reason: String
        var description: String {
            "ICU cannot compile \(pattern.debugDescription): \(reason.split(whereSeparator: \.isNewline).joined(separator: " "))"
        }
    }

    /// The byte ranges of every match in `bytes[range]`, left to right, non-overlapping (empty
    /// matches included).
    func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        let utf16Count = text.utf16.count
        let found = expression.matches(in: text, range: NSRange(location: 0, length: utf16Count))
        if found.isEmpty { return [] }
        let base = range.lowerBound
        if utf16Count == range.count {
            // ASCII: UTF-16 and UTF-8 offsets agree.
            return found.map { base + $0.range.location ..< base + $0.range.location + $0.range.length }
        }
        // UTF-8 offset of every UTF-16 offset that starts a scalar (and of the end).
        var utf8Offset = [Int](repeating: 0, count: utf16Count + 1)
        var u16 = 0
        var u8 = 0
        for scalar in text.unicodeScalars {
            utf8Offset[u16] = u8
            let width16 = scalar.value > 0xFFFF ? 2 : 1
            if width16 == 2 { utf8Offset[u16 + 1] = u8 }
            u16 += width16
            u8 += UTF8Scalars.byteCount(of: scalar.value)
        }
        utf8Offset[u16] = u8
        return found.map { match in
            base + utf8Offset[match.range.location] ..< base + utf8Offset[match.range.location + match.range.length]
        }
    }

    /// Every match of `text` replaced by `content` (no template escapes: `$1` is literal).
    func replacingMatches(in text: String, with content: String) -> String {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.stringByReplacingMatches(
            in: text, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: content))
    }
}
