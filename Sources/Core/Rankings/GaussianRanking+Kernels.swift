/// The inner loop of the incremental greedy search: for one block of evaluation examples, the new
/// log-likelihood of every candidate neuron under every label, and log p(y_true | x_{F∪d}).
///
/// Everything is a straight loop over the candidate neurons, so it vectorises; `exp` and `log`
/// are branch-free polynomial versions accurate to a few ulp in `Double`.
extension GaussianRanking {
    /// Pointers into the search state for one evaluation pass (read-only except the residual rows).
    struct CandidateKernel: @unchecked Sendable {
        /// Candidate neurons D.
        var width: Int
        /// Trained labels taking part.
        var classCount: Int
        /// Evaluation examples N (the stride of `quadratic` and `pendingWhitened`).
        var exampleCount: Int
        /// Label per example as an index into the trained labels: [N].
        var labels: UnsafePointer<Int>
        /// Residual rows r = x_d − μ_d − E[x_d | x_F]: row `n` of label `a` at
        /// `residuals + a·labelStride + (n − firstRow)·width`.
        var residuals: UnsafeMutablePointer<Double>
        var labelStride: Int
        var firstRow: Int
        /// Running ‖L⁻¹(x_F − μ_F)‖² per label and example: [labels, N].
        var quadratic: UnsafePointer<Double>
        /// A rank-1 update still owed to the residuals (the last chosen neuron): whitened coordinate
        /// per label and example [labels, N] and the new row of L⁻¹Σ[F, :] per label [labels, D].
        var pendingWhitened: UnsafePointer<Double>?
        var pendingRow: UnsafePointer<Double>?
        /// 1/δ²_d per label and candidate, 0 for candidates out of play: [labels, D].
        var inverseVariance: UnsafePointer<Double>
        /// log p(y) − ½((k+1) log 2π + log det L² + log δ²_d) per label and candidate: [labels, D].
        var constant: UnsafePointer<Double>

        /// Adds log p(y_n | x_{F∪d}) for examples `rows` to `accumulator[d]`.
        ///
        /// - Parameter scratch: room for (labels + 2)·D values.
        func run(rows: Range<Int>, scratch: UnsafeMutablePointer<Double>, accumulator: UnsafeMutablePointer<Double>) {
            let d = width, c = classCount
            for row in rows {
                for a in 0..<c {
                    let r = residuals + a * labelStride + (row - firstRow) * d
                    let s = scratch + a * d
                    let q = -0.5 * quadratic[a * exampleCount + row]
                    let inverse = inverseVariance + a * d
                    let base = constant + a * d
                    if let pendingWhitened, let pendingRow {
                        let z = pendingWhitened[a * exampleCount + row]
                        let update = pendingRow + a * d
                        for j in 0..<d {
                            let v = r[j] - z * update[j]
                            r[j] = v
                            s[j] = q + base[j] - 0.5 * v * v * inverse[j]
                        }
                    } else {
                        for j in 0..<d {
                            let v = r[j]
                            s[j] = q + base[j] - 0.5 * v * v * inverse[j]
                        }
                    }
                }
                let truth = scratch + labels[row] * d
                if c == 2 {
                    // log p(y|x) = s_y − max − log(1 + e^{−|s₀ − s₁|})
                    let s0 = scratch, s1 = scratch + d
                    for j in 0..<d {
                        let m = Swift.max(s0[j], s1[j])
                        let gap = -Swift.abs(s0[j] - s1[j])
                        accumulator[j] += truth[j] - m - GaussianRanking.logAtLeastOne(1 + GaussianRanking.exp(gap))
                    }
                } else if c > 2 {
                    let m = scratch + c * d, sum = m + d
                    m.update(from: scratch, count: d)
                    for a in 1..<c {
                        let s = scratch + a * d
                        for j in 0..<d { m[j] = Swift.max(m[j], s[j]) }
                    }
                    for j in 0..<d { sum[j] = 0 }
                    for a in 0..<c {
                        let s = scratch + a * d
                        for j in 0..<d { sum[j] += GaussianRanking.exp(s[j] - m[j]) }
                    }
                    for j in 0..<d { accumulator[j] += truth[j] - m[j] - GaussianRanking.logAtLeastOne(sum[j]) }
                }
                // c == 1: p(y|x) = 1, nothing to add.
            }
        }
    }

    /// eˣ in `Double` without branches or table look-ups (so loops over it vectorise).
    ///
    /// x = n·ln2 + r with |r| ≤ ln2/2 (n from the 1.5·2⁵² rounding trick), a degree-13 Taylor
    /// polynomial for eʳ (truncation < 1e-17), and 2ⁿ built in the exponent bits. x is clamped to
    /// [−708, 709]: results below e⁻⁷⁰⁸ come out as about 3e-308 instead of smaller.
    @inlinable @inline(__always)
    static func exp(_ value: Double) -> Double {
        let x = Swift.min(Swift.max(value, -708), 709)
        let shifter = 6_755_399_441_055_744.0   // 1.5·2⁵²
        let t = x * 1.442_695_040_888_963_4 + shifter
        let n = t - shifter
        let r = (x - n * 6.931_471_803_691_238_2e-1) - n * 1.908_214_929_270_587_7e-10
        var p = 1.0 / 6_227_020_800
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let exponent = (t.bitPattern &- shifter.bitPattern &+ 1023) << 52
        return p * Double(bitPattern: exponent)
    }

    /// ln y for y ≥ √½ (here: sums of exponentials whose largest term is 1), branch-free.
    ///
    /// y = m·2ᵉ with m ∈ [√½, √2) by integer arithmetic on the bits; ln m = 2 atanh(s),
    /// s = (m − 1)/(m + 1), |s| ≤ 0.172, series to s²¹ (truncation < 1e-17).
    @inlinable @inline(__always)
    static func logAtLeastOne(_ y: Double) -> Double {
        let offset: UInt64 = 0x3FE6_A09E_667F_3BCD   // bits of √½
        let u = y.bitPattern &- offset
        let e = u >> 52
        let m = Double(bitPattern: (u & 0x000F_FFFF_FFFF_FFFF) &+ offset)
        let twoToThe52 = 4_503_599_627_370_496.0
        let exponent = Double(bitPattern: e | twoToThe52.bitPattern) - twoToThe52
        let s = (m - 1) / (m + 1)
        let w = s * s
        var p = 1.0 / 21
        p = p * w + 1.0 / 19
        p = p * w + 1.0 / 17
        p = p * w + 1.0 / 15
        p = p * w + 1.0 / 13
        p = p * w + 1.0 / 11
        p = p * w + 1.0 / 9
        p = p * w + 1.0 / 7
        p = p * w + 1.0 / 5
        p = p * w + 1.0 / 3
        p = p * w + 1
        return exponent * 0.693_147_180_559_945_3 + 2 * s * p
    }
}
