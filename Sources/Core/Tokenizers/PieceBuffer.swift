/// Pre-tokenized pieces of one normalized segment: byte ranges into a single UTF-8 buffer.
struct PieceBuffer {
    /// UTF-8 bytes the ranges point into.
    var bytes: [UInt8] = []
    /// Non-empty pieces, in order.
    var ranges: [Range<Int>] = []
    /// Whether the first range starts at offset 0 of the original input (Metaspace `first`).
    var firstAtOrigin = false

    /// A buffer holding `text` as one piece (none when empty).
    init(text: String, atOrigin: Bool) {
        bytes = Array(text.utf8)
        if !bytes.isEmpty { ranges = [0..<bytes.count] }
        firstAtOrigin = atOrigin
    }

    /// An empty buffer with room for `capacity` bytes.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }
}
