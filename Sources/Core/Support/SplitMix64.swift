/// A small, fast, seeded pseudo-random generator (Steele, Lea & Flood 2014, "SplitMix").
///
/// Every draw advances a 64-bit state by the golden-ratio constant and scrambles it with two
/// multiply-xorshift rounds. The same seed always yields the same sequence on every platform,
/// which makes splits, control tasks and initialisations reproducible. Not cryptographic.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let x = Int.random(in: 0..<10, using: &rng)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The current state; the next output is a function of `state &+ 0x9E3779B97F4A7C15`.
    public var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 pseudo-random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform `Double` in `[0, 1)` built from the top 53 bits of the next output.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}
