/// GPT-2's byte-level alphabet and HF's `ByteLevel` pre-tokenizer: every UTF-8 byte is spelled by
/// one printable character (Radford et al. 2019, §2.2; `bytes_to_unicode` in GPT-2's `encoder.py`),
/// so a vocabulary of those 256 characters covers any text.
struct ByteLevel: Sendable {
    /// Put a space in front of every piece that does not start with one (`add_prefix_space`).
    let addPrefixSpace: Bool
    /// Split with GPT-2's expression before respelling (`use_regex`).
    let usesRegex: Bool

    /// GPT-2's pre-tokenization expression, as HF's `ByteLevel` compiles it.
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// The split by ``gpt2Pattern`` (the expression is a constant, so it compiles).
    private static let gpt2Split: PieceSplit = {
        guard let regex = try? TokenizerRegex(gpt2Pattern) else { preconditionFailure("GPT-2 expression does not compile") }
        return PieceSplit(.regex(regex), .isolated)
    }()

    /// The UTF-8 bytes of the character that spells each byte: printable Latin-1 bytes (`!`…`~`,
    /// `¡`…`¬`, `®`…`ÿ`) spell themselves, the other 68 become U+0100 onwards in byte order.
    static let alphabet: [[UInt8]] = {
        var printable = [Bool](repeating: false, count: 256)
        for byte in 0x21...0x7E { printable[byte] = true }
        for byte in 0xA1...0xAC { printable[byte] = true }
        for byte in 0xAE...0xFF { printable[byte] = true }
        var next: UInt32 = 0x100
        return (0..<256).map { byte in
            var scalar = UInt32(byte)
            if !printable[byte] {
                scalar = next
                next += 1
            }
            var utf8: [UInt8] = []
            UTF8Scalars.append(scalar, to: &utf8)
            return utf8
        }
    }()

    init(addPrefixSpace: Bool = true, usesRegex: Bool = true) {
        self.addPrefixSpace = addPrefixSpace
        self.usesRegex = usesRegex
    }

    /// `text` with every byte respelled (HF's `ByteLevel` normalizer).
    static func respell(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 2)
        for byte in text.utf8 { out.append(contentsOf: alphabet[Int(byte)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Prefixes, splits and respells every piece of `input`.
    func apply(_ input: PieceBuffer) -> PieceBuffer {
        var pieces = input
        if addPrefixSpace {
            var prefixed = PieceBuffer(capacity: input.bytes.count + input.ranges.count)
            prefixed.firstAtOrigin = input.firstAtOrigin
            for range in input.ranges {
                let start = prefixed.bytes.count
                if input.bytes[range.lowerBound] != 0x20 { prefixed.bytes.append(0x20) }
                prefixed.bytes.append(contentsOf: input.bytes[range])
                prefixed.ranges.append(start..<prefixed.bytes.count)
            }
            pieces = prefixed
        }
        if usesRegex { pieces = ByteLevel.gpt2Split.apply(pieces) }
        var output = PieceBuffer(capacity: pieces.bytes.count * 2)
        output.firstAtOrigin = pieces.firstAtOrigin
        for range in pieces.ranges {
            let start = output.bytes.count
            for byte in pieces.bytes[range] { output.bytes.append(contentsOf: ByteLevel.alphabet[Int(byte)]) }
            output.ranges.append(start..<output.bytes.count)
        }
        return output
    }
}
