/// A pre-tokenizer from `tokenizer.json` (`"pre_tokenizer"`): splits normalized text into the
/// pieces the model tokenizes one by one.
indirect enum PreTokenizer: Sendable {
    /// `BertPreTokenizer`: split on whitespace (dropped), then isolate each punctuation character.
    case bert
    /// A split by a pattern: `WhitespaceSplit`, `Whitespace`, `Punctuation`, `Digits`,
    /// `CharDelimiterSplit`, `Split`.
    case split(PieceSplit)
    /// `Metaspace`.
    case metaspace(Metaspace)
    /// `ByteLevel`.
    case byteLevel(ByteLevel)
    /// `UnicodeScripts`: split where the script changes (SentencePiece's script boundaries).
    case unicodeScripts
    /// `FixedLength`: pieces of `length` characters (the last one shorter).
    case fixedLength(Int)
    /// `Sequence`: apply each in turn to every piece.
    case sequence([PreTokenizer])

    /// `WhitespaceSplit`: split on whitespace, dropping it.
    static let whitespaceSplit = PreTokenizer.split(PieceSplit(.character(.whitespace), .removed))
    /// `Whitespace`: runs of word characters and runs of other non-space characters (`\w+|[^\w\s]+`).
    static let whitespace = PreTokenizer.split(PieceSplit(.wordsAndSymbols, .removed, invert: true))

    /// The two splits of `BertPreTokenizer`.
    private static let bertSplits = [PieceSplit(.character(.whitespace), .removed), PieceSplit(.character(.punctuation), .isolated)]

    /// Whether the result depends on which piece starts the input (Metaspace's `first` scheme).
    var usesOrigin: Bool {
        switch self {
        case let .metaspace(metaspace): return metaspace.prependScheme == .first
        case let .sequence(steps): return steps.contains { $0.usesOrigin }
        case .bert, .split, .byteLevel, .unicodeScripts, .fixedLength: return false
        }
    }

    /// Splits every piece of `input`.
    func apply(_ input: PieceBuffer) -> PieceBuffer {
        switch self {
        case .bert:
            return PreTokenizer.bertSplits.reduce(input) { $1.apply($0) }
        case let .split(split):
            return split.apply(input)
        case let .metaspace(metaspace):
            return metaspace.apply(input)
        case let .byteLevel(byteLevel):
            return byteLevel.apply(input)
        case .unicodeScripts:
            return PreTokenizer.splitScripts(input)
        case let .fixedLength(length):
            return PreTokenizer.splitFixedLength(input, length: length)
        case let .sequence(steps):
            return steps.reduce(input) { $1.apply($0) }
        }
    }

    /// HF's `UnicodeScripts`: a piece starts at each character whose script (``TokenizerUnicode/script(of:)``,
    /// 0 for none) differs from the last script seen; characters without a script never start one,
    /// so any before the first scripted character are dropped.
    private static func splitScripts(_ input: PieceBuffer) -> PieceBuffer {
        var output = input
        output.ranges.removeAll(keepingCapacity: true)
        output.firstAtOrigin = false
        input.bytes.withUnsafeBufferPointer { bytes in
            for (index, range) in input.ranges.enumerated() {
                var lastScript: UInt8 = 0
                var pieceStart = -1
                var i = range.lowerBound
                while i < range.upperBound {
                    let (v, length) = UTF8Scalars.decode(bytes, at: i)
                    let script = TokenizerUnicode.script(of: v)
                    if script != 0 {
                        if script != lastScript {
                            if pieceStart >= 0 { output.ranges.append(pieceStart..<i) }
                            pieceStart = i
                        }
                        lastScript = script
                    }
                    i += length
                }
                if pieceStart >= 0 { output.ranges.append(pieceStart..<range.upperBound) }
                if index == 0, input.firstAtOrigin, output.ranges.first?.lowerBound == range.lowerBound {
                    output.firstAtOrigin = true
                }
            }
        }
        return output
    }

    /// HF's `FixedLength`: consecutive pieces of `length` characters.
    private static func splitFixedLength(_ input: PieceBuffer, length: Int) -> PieceBuffer {
        var output = input
        output.ranges.removeAll(keepingCapacity: true)
        input.bytes.withUnsafeBufferPointer { bytes in
            for range in input.ranges {
                var pieceStart = range.lowerBound
                var characters = 0
                var i = range.lowerBound
                while i < range.upperBound {
                    i += UTF8Scalars.length(lead: bytes[i])
                    characters += 1
                    if characters == length {
                        output.ranges.append(pieceStart..<i)
                        pieceStart = i
                        characters = 0
                    }
                }
                if pieceStart < range.upperBound { output.ranges.append(pieceStart..<range.upperBound) }
            }
        }
        return output
    }
}
