/// HF's `Metaspace` pre-tokenizer: spaces become `▁`, a `▁` is prepended to each piece (per
/// `prepend_scheme`), and pieces are split before every `▁` (SentencePiece's whitespace marking).
struct Metaspace: Sendable {
    /// When a `▁` is put in front of a piece that lacks one.
    enum PrependScheme: String, Sendable {
        /// Always.
        case always
        /// Only for the piece that starts the input.
        case first
        /// Never.
        case never
    }

    /// UTF-8 bytes of the replacement character (`▁`, U+2581).
    let replacement: [UInt8]
    let prependScheme: PrependScheme
    /// Split before each replacement character (HF `split`, default true).
    let split: Bool

    /// Makes a Metaspace pre-tokenizer.
    init(replacement: Character = "\u{2581}", prependScheme: PrependScheme = .always, split: Bool = true) {
        self.replacement = Array(String(replacement).utf8)
        self.prependScheme = prependScheme
        self.split = split
    }

    /// Applies the pre-tokenizer to every piece of `input`.
    func apply(_ input: PieceBuffer) -> PieceBuffer {
        var output = PieceBuffer(capacity: input.bytes.count + 3 * input.ranges.count * 2)
        output.firstAtOrigin = input.firstAtOrigin
        input.bytes.withUnsafeBufferPointer { bytes in
            for (index, range) in input.ranges.enumerated() {
                let start = output.bytes.count
                let startsWithReplacement = bytes[range.lowerBound] == 0x20 || hasReplacement(bytes, at: range.lowerBound, end: range.upperBound)
                let prepend: Bool
                switch prependScheme {
                case .always: prepend = !startsWithReplacement
                case .first: prepend = !startsWithReplacement && index == 0 && input.firstAtOrigin
                case .never: prepend = false
                }
                if prepend { output.bytes.append(contentsOf: replacement) }
                for i in range {
                    if bytes[i] == 0x20 {
                        output.bytes.append(contentsOf: replacement)
                    } else {
                        output.bytes.append(bytes[i])
                    }
                }
                let end = output.bytes.count
                guard split else {
                    output.ranges.append(start..<end)
                    continue
                }
                output.bytes.withUnsafeBufferPointer { out in
                    var pieceStart = start
                    var i = start
                    while i < end {
                        if i > pieceStart, hasReplacement(out, at: i, end: end) {
                            output.ranges.append(pieceStart..<i)
                            pieceStart = i
                            i += replacement.count
                        } else {
                            i += 1
                        }
                    }
                    if pieceStart < end { output.ranges.append(pieceStart..<end) }
                }
            }
        }
        return output
    }

    /// Whether the replacement character's bytes start at `index`.
    @inline(__always)
    private func hasReplacement(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Bool {
        guard index + replacement.count <= end else { return false }
        for k in 0..<replacement.count where bytes[index + k] != replacement[k] { return false }
        return true
    }
}
