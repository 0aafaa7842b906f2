/// SentencePiece's compiled normalization rules (`precompiled_charsmap`, e.g. `nmt_nfkc`), as HF
/// `tokenizers`' `Precompiled` normalizer applies them.
///
/// The blob is a little-endian `UInt32` byte size of a darts-clone double-array trie, the trie
/// (`UInt32` units), then a pool of NUL-terminated replacement strings; a trie value is the pool
/// offset of a key's replacement. Text is processed per extended grapheme cluster: a cluster
/// shorter than 6 UTF-8 bytes is looked up whole, and replaced by the replacement of the
/// *shortest* key that prefixes it; otherwise (or when nothing matches) each of its characters is
/// looked up alone and copied when it has no rule (HF `normalizers::precompiled`, `spm_precompiled`).
struct PrecompiledCharsmap: Sendable {
    /// Why a blob could not be read.
    enum FormatError: Error {
        case truncated
        case trieOutOfBounds
    }

    private let units: [UInt32]
    private let pool: [UInt8]
    /// Replacement of each ASCII byte alone (`nil`: unchanged), precomputed for speed.
    private let asciiReplacements: [[UInt8]?]

    /// Parses a decoded `precompiled_charsmap`.
    ///
    /// - Throws: ``FormatError`` when the sizes do not fit the blob.
    init(blob: [UInt8]) throws {
        guard blob.count >= 4 else { throw FormatError.truncated }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize % 4 == 0, 4 + trieSize <= blob.count else { throw FormatError.truncated }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for k in 0..<units.count {
            let o = 4 + 4 * k
            units[k] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
        }
        guard !units.isEmpty else { throw FormatError.trieOutOfBounds }
        let pool = Array(blob[(4 + trieSize)...])
        self.units = units
        self.pool = pool
        self.asciiReplacements = (0..<128).map { byte in
            let key = [UInt8(byte)]
            let match = key.withUnsafeBufferPointer { PrecompiledCharsmap.firstMatch(units: units, key: $0) }
            return match.map { PrecompiledCharsmap.replacement(pool: pool, at: $0) }
        }
    }

    // MARK: darts-clone units

    @inline(__always) private static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    @inline(__always) private static func value(_ unit: UInt32) -> Int { Int(unit & ((1 << 31) - 1)) }
    @inline(__always) private static func label(_ unit: UInt32) -> UInt32 { unit & ((1 << 31) | 0xFF) }
    @inline(__always) private static func offset(_ unit: UInt32) -> Int {
        Int((unit >> 10) << ((unit & (1 << 9)) >> 6))
    }

    /// Pool offset of the shortest trie key that prefixes `key`, or `nil` (darts-clone
    /// `commonPrefixSearch`, first result). Stops at a NUL byte, as the C++ does.
    @inline(__always)
    private static func firstMatch(units: [UInt32], key: UnsafeBufferPointer<UInt8>) -> Int? {
        var node = offset(units[0])
        for c in key {
            if c == 0 { return nil }
            node ^= Int(c)
            guard node < units.count else { return nil }
            let unit = units[node]
            if label(unit) != UInt32(c) { return nil }
            node ^= offset(unit)
            guard node < units.count else { return nil }
            if hasLeaf(unit) { return value(units[node]) }
        }
        return nil
    }

    /// The NUL-terminated pool string at `offset`.
    private static func replacement(pool: [UInt8], at offset: Int) -> [UInt8] {
        guard offset < pool.count else { return [] }
        var end = offset
        while end < pool.count, pool[end] != 0 { end += 1 }
        return Array(pool[offset..<end])
    }

    /// Appends the replacement of the shortest rule prefixing `key`; `false` when none applies.
    @inline(__always)
    private func appendReplacement(of key: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard let start = PrecompiledCharsmap.firstMatch(units: units, key: key) else { return false }
        var i = start
        while i < pool.count, pool[i] != 0 {
            out.append(pool[i])
            i += 1
        }
        return true
    }

    /// Normalizes text.
    func normalize(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        var isASCII = true
        var unchanged = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                isASCII = false
                break
            }
            if asciiReplacements[Int(byte)] != nil { unchanged = false }
        }
        if isASCII, unchanged { return text }
        if isASCII {
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBufferPointer { buffer in
                var i = 0
                while i < buffer.count {
                    let byte = buffer[i]
                    if byte == 0x0D, i + 1 < buffer.count, buffer[i + 1] == 0x0A {
                        // CR LF is one grapheme cluster, looked up whole.
                        let pair = UnsafeBufferPointer(rebasing: buffer[i..<i + 2])
                        if !appendReplacement(of: pair, to: &out) {
                            appendASCII(0x0D, to: &out)
                            appendASCII(0x0A, to: &out)
                        }
                        i += 2
                    } else {
                        appendASCII(byte, to: &out)
                        i += 1
                    }
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        var scratch: [UInt8] = []
        for character in text {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: character.utf8)
            scratch.withUnsafeBufferPointer { grapheme in
                if grapheme.count < 6, appendReplacement(of: grapheme, to: &out) { return }
                var i = 0
                while i < grapheme.count {
                    let length = UTF8Scalars.length(lead: grapheme[i])
                    let part = UnsafeBufferPointer(rebasing: grapheme[i..<min(i + length, grapheme.count)])
                    if !appendReplacement(of: part, to: &out) { out.append(contentsOf: part) }
                    i += length
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private func appendASCII(_ byte: UInt8, to out: inout [UInt8]) {
        if let replacement = asciiReplacements[Int(byte)] {
            out.append(contentsOf: replacement)
        } else {
            out.append(byte)
        }
    }
}
