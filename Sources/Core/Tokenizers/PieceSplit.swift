/// One splitting step of pre-tokenization, as HF's `NormalizedString::split(pattern, behavior)`:
/// find the pattern's matches in each piece, then cut the piece around them as `behavior` says.
///
/// Every splitting pre-tokenizer of `tokenizer.json` is one of these: `WhitespaceSplit`,
/// `Whitespace`, `Punctuation`, `Digits`, `CharDelimiterSplit`, `Split`, the two halves of
/// `BertPreTokenizer` and ByteLevel's GPT-2 expression.
struct PieceSplit: Sendable {
    /// What a split does with each match (HF `SplitDelimiterBehavior`).
    enum Behavior: String, Sendable {
        /// Matches are dropped.
        case removed = "Removed"
        /// Each match is a piece of its own.
        case isolated = "Isolated"
        /// A match joins the piece before it.
        case mergedWithPrevious = "MergedWithPrevious"
        /// A match joins the piece after it.
        case mergedWithNext = "MergedWithNext"
        /// Adjacent matches form one piece.
        case contiguous = "Contiguous"
    }

    /// What counts as a match.
    enum Pattern: Sendable {
        /// Each character of a class is one match.
        case character(CharacterClass)
        /// Each non-overlapping occurrence of these bytes (HF escapes a string pattern into a regex,
        /// which compares code points, so bytes).
        case literal([UInt8])
        /// Each match of a regular expression.
        case regex(TokenizerRegex)
        /// Each run of word characters and each run of other non-space characters: the regex
        /// `\w+|[^\w\s]+` of HF's `Whitespace`, with Rust `regex`'s Unicode `\w` and `\s`.
        case wordsAndSymbols
    }

    /// A class of single characters.
    enum CharacterClass: Sendable, Equatable {
        /// Rust's `char::is_whitespace`.
        case whitespace
        /// ASCII punctuation or a Unicode P* category (HF's `is_punc`).
        case punctuation
        /// Rust's `char::is_numeric`: categories Nd, Nl, No.
        case numeric
        /// One given character (`CharDelimiterSplit`).
        case scalar(UInt32)

        @inline(__always)
        func contains(_ v: UInt32) -> Bool {
            switch self {
            case .whitespace: return TokenizerUnicode.isWhitespace(v)
            case .punctuation: return TokenizerUnicode.isPunctuation(v)
            case .numeric: return TokenizerUnicode.isNumeric(v)
            case let .scalar(scalar): return v == scalar
            }
        }
    }

    let pattern: Pattern
    let behavior: Behavior
    /// Swap matches and the text between them before cutting (HF `Split`'s `invert`).
    let invert: Bool

    init(_ pattern: Pattern, _ behavior: Behavior, invert: Bool = false) {
        self.pattern = pattern
        self.behavior = behavior
        self.invert = invert
    }

    /// A stretch of a piece: a match of the pattern or the text between two matches.
    private struct Segment {
        var range: Range<Int>
        var isMatch: Bool
    }

    /// Splits every piece of `input`; ranges are narrowed in place, so the byte buffer is shared.
    func apply(_ input: PieceBuffer) -> PieceBuffer {
        var output = input
        output.ranges.removeAll(keepingCapacity: true)
        output.firstAtOrigin = false
        var segments: [Segment] = []
        input.bytes.withUnsafeBufferPointer { bytes in
            for (index, range) in input.ranges.enumerated() {
                segments.removeAll(keepingCapacity: true)
                findSegments(bytes, range, into: &segments)
                let firstOutput = output.ranges.count
                cut(segments, into: &output.ranges)
                if index == 0, input.firstAtOrigin, output.ranges.count > firstOutput,
                   output.ranges[firstOutput].lowerBound == range.lowerBound {
                    output.firstAtOrigin = true
                }
            }
        }
        return output
    }

    /// The matches and the stretches between them, covering `range` in order (HF `find_matches`).
    private func findSegments(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into segments: inout [Segment]) {
        var textStart = range.lowerBound
        func addMatch(_ match: Range<Int>) {
            if textStart < match.lowerBound { segments.append(Segment(range: textStart..<match.lowerBound, isMatch: invert)) }
            segments.append(Segment(range: match, isMatch: !invert))
            textStart = match.upperBound
        }
        switch pattern {
        case let .character(characterClass):
            var i = range.lowerBound
            while i < range.upperBound {
                let (v, length) = UTF8Scalars.decode(bytes, at: i)
                if characterClass.contains(v) { addMatch(i..<(i + length)) }
                i += length
            }
        case let .literal(needle):
            guard !needle.isEmpty else { break }
            var i = range.lowerBound
            while i + needle.count <= range.upperBound {
                if bytes[i] == needle[0], (1..<needle.count).allSatisfy({ bytes[i + $0] == needle[$0] }) {
                    addMatch(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
        case let .regex(regex):
            for match in regex.matches(bytes, range) { addMatch(match) }
        case .wordsAndSymbols:
            var i = range.lowerBound
            var runStart = -1
            var runIsWord = false
            while i < range.upperBound {
                let (v, length) = UTF8Scalars.decode(bytes, at: i)
                let isSpace = TokenizerUnicode.isWhitespace(v)
                let isWord = !isSpace && PieceSplit.isWordCharacter(v)
                if runStart >= 0, isSpace || isWord != runIsWord {
                    addMatch(runStart..<i)
                    runStart = -1
                }
                if !isSpace, runStart < 0 {
                    runStart = i
                    runIsWord = isWord
                }
                i += length
            }
            if runStart >= 0 { addMatch(runStart..<range.upperBound) }
        }
        if textStart < range.upperBound { segments.append(Segment(range: textStart..<range.upperBound, isMatch: invert)) }
    }

    /// Rust `regex`'s Unicode `\w`, with an ASCII shortcut.
    @inline(__always)
    private static func isWordCharacter(_ v: UInt32) -> Bool {
        if v < 0x80 { return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F }
        return Unicode.Scalar(v).map(TokenizerUnicode.isWordCharacter) ?? false
    }

    /// Cuts the segments of one piece into pieces as ``behavior`` says; empty pieces are dropped
    /// (HF `PreTokenizedString::split`).
    private func cut(_ segments: [Segment], into pieces: inout [Range<Int>]) {
        let first = pieces.count
        switch behavior {
        case .removed:
            for segment in segments where !segment.isMatch { pieces.append(segment.range) }
        case .isolated:
            for segment in segments { pieces.append(segment.range) }
        case .contiguous:
            // Neighbours of one kind join (two stretches of text are neighbours only under `invert`).
            var previousIsMatch = false
            for segment in segments {
                if segment.isMatch == previousIsMatch, pieces.count > first {
                    pieces[pieces.count - 1] = pieces[pieces.count - 1].lowerBound..<segment.range.upperBound
                } else {
                    pieces.append(segment.range)
                }
                previousIsMatch = segment.isMatch
            }
        case .mergedWithPrevious:
            var previousIsMatch = false
            for segment in segments {
                if segment.isMatch, !previousIsMatch, pieces.count > first {
                    pieces[pieces.count - 1] = pieces[pieces.count - 1].lowerBound..<segment.range.upperBound
                } else {
                    pieces.append(segment.range)
                }
                previousIsMatch = segment.isMatch
            }
        case .mergedWithNext:
            // A match joins the stretch after it unless that stretch is a match too.
            var index = 0
            while index < segments.count {
                let segment = segments[index]
                if segment.isMatch, index + 1 < segments.count, !segments[index + 1].isMatch {
                    pieces.append(segment.range.lowerBound..<segments[index + 1].range.upperBound)
                    index += 2
                } else {
                    pieces.append(segment.range)
                    index += 1
                }
            }
        }
        pieces.removeSubrange(first...) { $0.isEmpty }
    }
}

extension Array {
    /// Removes the elements of `range` that satisfy `shouldRemove`, keeping the order of the rest.
    fileprivate mutating func removeSubrange(_ range: PartialRangeFrom<Int>, where shouldRemove: (Element) -> Bool) {
        var write = range.lowerBound
        for read in range.lowerBound..<count where !shouldRemove(self[read]) {
            self[write] = self[read]
            write += 1
        }
        removeSubrange(write...)
    }
}
