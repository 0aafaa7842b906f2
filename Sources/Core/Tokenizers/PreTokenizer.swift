/// A pre-tokenizer from `tokenizer.json` (`"pre_tokenizer"`): splits normalized text into the
/// pieces the model tokenizes one by one.
indirect enum PreTokenizer: Sendable {
    /// `BertPreTokenizer`: split on whitespace (dropped) and around each punctuation character.
    case bert
    /// `WhitespaceSplit`: split on whitespace, dropping it.
    case whitespaceSplit
    /// `Metaspace`.
    case metaspace(Metaspace)
    /// `Sequence`: apply each in turn to every piece.
    case sequence([PreTokenizer])

    /// Whether the result depends on which piece starts the input (Metaspace's `first` scheme).
    var usesOrigin: Bool {
        switch self {
        case .bert, .whitespaceSplit: return false
        case let .metaspace(metaspace): return metaspace.prependScheme == .first
        case let .sequence(steps): return steps.contains { $0.usesOrigin }
        }
    }

    /// Splits every piece of `input`.
    func apply(_ input: PieceBuffer) -> PieceBuffer {
        switch self {
        case .bert:
            return PreTokenizer.splitScalars(input, isolatePunctuation: true)
        case .whitespaceSplit:
            return PreTokenizer.splitScalars(input, isolatePunctuation: false)
        case let .metaspace(metaspace):
            return metaspace.apply(input)
        case let .sequence(steps):
            var pieces = input
            for step in steps { pieces = step.apply(pieces) }
            return pieces
        }
    }

    /// Splits on whitespace (removed) and optionally isolates punctuation; ranges are narrowed in
    /// place, so the byte buffer is shared.
    private static func splitScalars(_ input: PieceBuffer, isolatePunctuation: Bool) -> PieceBuffer {
        var output = input
        output.ranges.removeAll(keepingCapacity: true)
        var firstAtOrigin = false
        input.bytes.withUnsafeBufferPointer { bytes in
            for (index, range) in input.ranges.enumerated() {
                var pieceStart = range.lowerBound
                var i = range.lowerBound
                while i < range.upperBound {
                    let (v, length) = UTF8Scalars.decode(bytes, at: i)
                    if TokenizerUnicode.isWhitespace(v) {
                        if pieceStart < i { output.ranges.append(pieceStart..<i) }
                        pieceStart = i + length
                    } else if isolatePunctuation, TokenizerUnicode.isPunctuation(v) {
                        if pieceStart < i { output.ranges.append(pieceStart..<i) }
                        output.ranges.append(i..<(i + length))
                        pieceStart = i + length
                    }
                    i += length
                }
                if pieceStart < range.upperBound { output.ranges.append(pieceStart..<range.upperBound) }
                if index == 0, input.firstAtOrigin, let first = output.ranges.first, first.lowerBound == range.lowerBound {
                    firstAtOrigin = true
                }
            }
        }
        output.firstAtOrigin = firstAtOrigin
        return output
    }
}
