/// A hash that is the same in every process, run and platform (unlike `Hasher`, which is seeded
/// per process): 64-bit FNV-1a (Fowler–Noll–Vo) over the UTF-8 bytes of a string.
///
/// Used wherever a decision must be reproducible from a name alone, e.g. assigning a sentence to
/// train/dev/test from its `sent_id`.
public enum StableHash {
    /// The FNV-1a 64 offset basis.
    public static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    /// The FNV-1a 64 prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// FNV-1a 64 of `text`'s UTF-8 bytes, continuing from `seed` (the offset basis by default).
    ///
    /// `fnv1a64("")` is the offset basis; `fnv1a64("a")` is `0xAF63DC4C8601EC8C`.
    public static func fnv1a64(_ text: String, seed: UInt64 = offsetBasis) -> UInt64 {
        var hash = seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* prime
        }
        return hash
    }
}
