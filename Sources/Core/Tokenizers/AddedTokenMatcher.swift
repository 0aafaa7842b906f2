/// Finds added tokens in text, leftmost-longest and non-overlapping, the way HF's
/// `AddedVocabulary` splits input before normalization (raw tokens) and after (normalized ones).
struct AddedTokenMatcher: Sendable {
    /// A stretch of the input: plain text (byte range) or a matched token.
    enum Segment {
        case text(Range<Int>)
        case token(id: Int)
    }

    private let tokens: [AddedToken]
    private let trie: TokenTrie
    /// Bytes that begin some pattern, to skip text quickly.
    private let firstBytes: [Bool]

    /// Whether there is nothing to match.
    var isEmpty: Bool { tokens.isEmpty }

    /// Makes a matcher.
    ///
    /// - Parameters:
    ///   - tokens: the tokens to find.
    ///   - patterns: the text to find for each token (its content, or its normalized content).
    init(tokens: [AddedToken], patterns: [String]) {
        precondition(tokens.count == patterns.count, "\(tokens.count) tokens, \(patterns.count) patterns")
        var keys: [(bytes: [UInt8], value: Int32)] = []
        var firstBytes = [Bool](repeating: false, count: 256)
        var kept: [AddedToken] = []
        for (token, pattern) in zip(tokens, patterns) where !pattern.isEmpty {
            let bytes = Array(pattern.utf8)
            keys.append((bytes, Int32(kept.count)))
            firstBytes[Int(bytes[0])] = true
            kept.append(token)
        }
        self.tokens = kept
        self.trie = TokenTrie(keys: keys)
        self.firstBytes = firstBytes
    }

    /// Splits UTF-8 text into plain stretches and matched tokens.
    func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var i = 0
        while i < bytes.count {
            guard firstBytes[Int(bytes[i])] else {
                i += 1
                continue
            }
            // Longest pattern starting at i.
            var node = TokenTrie.root
            var matchEnd = -1
            var matchIndex: Int32 = TokenTrie.none
            var j = i
            while j < bytes.count {
                node = trie.child(node, bytes[j])
                if node == TokenTrie.none { break }
                j += 1
                let value = trie.value(node)
                if value != TokenTrie.none {
                    matchEnd = j
                    matchIndex = value
                }
            }
            guard matchEnd >= 0 else {
                i += 1
                continue
            }
            let token = tokens[Int(matchIndex)]
            var start = i
            var stop = matchEnd
            if token.singleWord {
                let startOK = start == 0 || !endsWithWordCharacter(bytes, before: start)
                let stopOK = stop == bytes.count || !startsWithWordCharacter(bytes, at: stop)
                if !(startOK && stopOK) {
                    i = matchEnd
                    continue
                }
            }
            if token.leftStrip {
                start = max(textStart, whitespaceRunStart(bytes, before: start))
            }
            if token.rightStrip {
                stop = whitespaceRunEnd(bytes, from: stop)
            }
            if textStart < start { segments.append(.text(textStart..<start)) }
            segments.append(.token(id: token.id))
            textStart = stop
            i = stop
        }
        if textStart < bytes.count { segments.append(.text(textStart..<bytes.count)) }
        return segments
    }

    /// Whether `bytes` contains a byte that could start a pattern.
    func mayMatch(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if tokens.isEmpty { return false }
        for byte in bytes where firstBytes[Int(byte)] { return true }
        return false
    }

    private func scalar(endingAt end: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> (value: UInt32, start: Int) {
        var start = end - 1
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return (UTF8Scalars.decode(bytes, at: start).value, start)
    }

    private func endsWithWordCharacter(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Bool {
        guard end > 0, let s = Unicode.Scalar(scalar(endingAt: end, bytes).value) else { return false }
        return TokenizerUnicode.isWordCharacter(s)
    }

    private func startsWithWordCharacter(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start < bytes.count, let s = Unicode.Scalar(UTF8Scalars.decode(bytes, at: start).value) else { return false }
        return TokenizerUnicode.isWordCharacter(s)
    }

    private func whitespaceRunStart(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        var position = end
        while position > 0 {
            let (value, start) = scalar(endingAt: position, bytes)
            guard TokenizerUnicode.isWhitespace(value) else { break }
            position = start
        }
        return position
    }

    private func whitespaceRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var position = start
        while position < bytes.count {
            let (value, length) = UTF8Scalars.decode(bytes, at: position)
            guard TokenizerUnicode.isWhitespace(value) else { break }
            position += length
        }
        return position
    }
}
