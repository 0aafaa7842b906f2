import Foundation

/// The inner loop of the incremental greedy search: for a block of evaluation examples, the new
/// log-likelihood of every candidate neuron under every label, and Σ log p(y_true | x_{F∪d}).
///
/// Everything is a straight loop over the candidate neurons, so it vectorises. Per example and
/// candidate, log p(y|x) = s_y − m − log Σ_a e^{s_a − m} (m = max_a s_a); the sums Σ_a e^{s_a − m}
/// lie in [1, labels], so instead of one logarithm each we multiply them into a running product per
/// candidate (renormalising its binary exponent now and then) and take one logarithm per call.
/// Where every other label trails the top one by more than 37.5 nats, the sum is exactly 1 in
/// `Double`, and blocks of 32 candidates where that holds for all skip their exponentials.
/// Two and three labels have fused loops (one and two exponentials per candidate and example).
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
        /// A rank-1 update still owed to the residuals, r ← r − z·u (zeros when none): whitened
        /// coordinate z per label and example [labels, N] and row u of L⁻¹Σ[F, :] per label [labels, D].
        var pendingWhitened: UnsafePointer<Double>
        var pendingRow: UnsafePointer<Double>
        /// 1/δ²_d per label and candidate, 0 for candidates out of play: [labels, D].
        var inverseVariance: UnsafePointer<Double>
        /// log p(y) − ½((k+1) log 2π + log det Σ[F,F] + log δ²_d) per label and candidate: [labels, D].
        var constant: UnsafePointer<Double>

        /// Scratch values `run` needs: (labels + 4)·D.
        static func scratchSize(classCount: Int, width: Int) -> Int { (classCount + 4) * width }

        /// Adds Σ over examples `rows` of log p(y_n | x_{F∪d}) to `accumulator[d]`, and applies the
        /// pending update to those examples' residual rows.
        func run(rows: Range<Int>, scratch: UnsafeMutablePointer<Double>, accumulator: UnsafeMutablePointer<Double>) {
            let d = width, c = classCount
            let scores = scratch, product = scratch + c * d, exponent = product + d
            let first = exponent + d, second = first + d
            for j in 0..<d {
                product[j] = 1
                exponent[j] = 0
            }
            // Each factor is at most c, so `every` of them stay far below 2^1023.
            let every = max(1, 1000 / (Int(Foundation.log2(Double(c)).rounded(.up)) + 1))
            var sinceNormalised = 0
            for row in rows {
                let local = row - firstRow
                switch c {
                case 1:
                    updateResiduals(row: row, local: local, label: 0)   // p(y|x) = 1
                case 2:
                    twoLabels(row: row, local: local, gaps: first, product: product, accumulator: accumulator)
                case 3:
                    threeLabels(row: row, local: local, scores: scores, gaps: (first, second),
                                product: product, accumulator: accumulator)
                default:
                    manyLabels(row: row, local: local, scores: scores, largest: first, sums: second,
                               product: product, accumulator: accumulator)
                }
                sinceNormalised += 1
                if sinceNormalised == every {
                    GaussianRanking.normalise(product, exponent, count: d)
                    sinceNormalised = 0
                }
            }
            let ln2 = Foundation.log(2.0)
            for j in 0..<d { accumulator[j] -= Foundation.log(product[j]) + exponent[j] * ln2 }
        }

        /// r ← r − z·u for one example and label, without scoring (a single trained label).
        @inline(__always)
        private func updateResiduals(row: Int, local: Int, label a: Int) {
            let d = width
            let r = residuals + a * labelStride + local * d
            let z = pendingWhitened[a * exampleCount + row], u = pendingRow + a * d
            for j in 0..<d { r[j] -= z * u[j] }
        }

        /// s_a[d] = log p(y=a) + log N(x_{F∪d}) for one example, updating its residual row.
        @inline(__always)
        private func labelScores(row: Int, local: Int, label a: Int, into s: UnsafeMutablePointer<Double>) {
            let d = width
            let r = residuals + a * labelStride + local * d
            let z = pendingWhitened[a * exampleCount + row], u = pendingRow + a * d
            let q = -0.5 * quadratic[a * exampleCount + row]
            let inverse = inverseVariance + a * d, base = constant + a * d
            for j in 0..<d {
                let v = r[j] - z * u[j]
                r[j] = v
                s[j] = q + base[j] - 0.5 * v * v * inverse[j]
            }
        }

        /// Two labels: log p(y|x) = min(δ, 0) − log(1 + e^{−|δ|}), δ = s_y − s_other.
        @inline(__always)
        private func twoLabels(row: Int, local: Int, gaps: UnsafeMutablePointer<Double>,
                               product: UnsafeMutablePointer<Double>, accumulator: UnsafeMutablePointer<Double>) {
            let d = width, n = exampleCount
            let r0 = residuals + local * d, r1 = residuals + labelStride + local * d
            let z0 = pendingWhitened[row], z1 = pendingWhitened[n + row]
            let u0 = pendingRow, u1 = pendingRow + d
            let q0 = -0.5 * quadratic[row], q1 = -0.5 * quadratic[n + row]
            let i0 = inverseVariance, i1 = inverseVariance + d
            let b0 = constant, b1 = constant + d
            let sign: Double = labels[row] == 0 ? 1 : -1
            for j in 0..<d {
                let v0 = r0[j] - z0 * u0[j]
                let v1 = r1[j] - z1 * u1[j]
                r0[j] = v0
                r1[j] = v1
                let s0 = q0 + b0[j] - 0.5 * v0 * v0 * i0[j]
                let s1 = q1 + b1[j] - 0.5 * v1 * v1 * i1[j]
                let delta = sign * (s0 - s1)
                accumulator[j] += Swift.min(delta, 0)
                gaps[j] = -Swift.abs(delta)
            }
            GaussianRanking.multiplyOnePlusExp(product, gaps, count: d)
        }

        /// Three labels: with the scores sorted (hi ≥ mid ≥ lo, a min/max network),
        /// log p(y|x) = s_y − hi − log(1 + e^{mid − hi} + e^{lo − hi}): two exponentials.
        /// (Scores go through `scores` first: one fused loop over six arrays does not vectorise.)
        @inline(__always)
        private func threeLabels(row: Int, local: Int, scores: UnsafeMutablePointer<Double>,
                                 gaps: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                                 product: UnsafeMutablePointer<Double>, accumulator: UnsafeMutablePointer<Double>) {
            let d = width
            for a in 0..<3 { labelScores(row: row, local: local, label: a, into: scores + a * d) }
            let s0 = scores, s1 = s0 + d, s2 = s1 + d
            let label = labels[row]
            let w0: Double = label == 0 ? 1 : 0, w1: Double = label == 1 ? 1 : 0, w2: Double = label == 2 ? 1 : 0
            let (middleGaps, lowGaps) = gaps
            for j in 0..<d {
                let a = s0[j], b = s1[j], c = s2[j]
                let high = Swift.max(Swift.max(a, b), c)
                let low = Swift.min(Swift.min(a, b), c)
                let middle = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
                accumulator[j] += (w0 * a + w1 * b + w2 * c) - high
                middleGaps[j] = middle - high
                lowGaps[j] = low - high
            }
            let block = GaussianRanking.exponentialBlock
            var start = 0
            while start < d {
                let end = Swift.min(start + block, d)
                if GaussianRanking.countAbove(middleGaps + start, count: end - start, threshold: -GaussianRanking.negligibleGap) > 0 {
                    for j in start..<end {
                        product[j] *= (1 + GaussianRanking.exp(middleGaps[j])) + GaussianRanking.exp(lowGaps[j])
                    }
                }
                start = end
            }
        }

        /// Four or more labels: m = max_a s_a, Σ_a e^{s_a − m} accumulated in label order.
        @inline(__always)
        private func manyLabels(row: Int, local: Int, scores: UnsafeMutablePointer<Double>,
                                largest: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>,
                                product: UnsafeMutablePointer<Double>, accumulator: UnsafeMutablePointer<Double>) {
            let d = width, c = classCount
            for a in 0..<c { labelScores(row: row, local: local, label: a, into: scores + a * d) }
            largest.update(from: scores, count: d)
            for a in 1..<c {
                let s = scores + a * d
                for j in 0..<d { largest[j] = Swift.max(largest[j], s[j]) }
            }
            let truth = scores + labels[row] * d
            for j in 0..<d { accumulator[j] += truth[j] - largest[j] }
            // A block where every label but the top one is below −(gap + ln c) sums to exactly 1.
            let threshold = -(GaussianRanking.negligibleGap + Foundation.log(Double(c)))
            let block = GaussianRanking.exponentialBlock
            var start = 0
            while start < d {
                let end = Swift.min(start + block, d)
                var above = 0
                for a in 0..<c {
                    let s = scores + a * d
                    for j in start..<end { above += s[j] - largest[j] > threshold ? 1 : 0 }
                }
                if above > end - start {
                    for j in start..<end { sums[j] = 0 }
                    for a in 0..<c {
                        let s = scores + a * d
                        for j in start..<end { sums[j] += GaussianRanking.exp(s[j] - largest[j]) }
                    }
                    for j in start..<end { product[j] *= sums[j] }
                }
                start = end
            }
        }
    }

    /// Candidates per block whose exponentials are skipped when all are negligible.
    static let exponentialBlock = 32

    /// e^{−37.5} ≈ 5e-17 < 2⁻⁵³: 1 + e^{−g} rounds to exactly 1 for any gap g ≥ this, so blocks where
    /// every gap is this large skip their exponentials without changing a bit of the result.
    static let negligibleGap = 37.5

    /// product[j] ·= 1 + e^{gaps[j]} (gaps ≤ 0), block by block, skipping blocks where it is exactly 1.
    @inline(__always)
    static func multiplyOnePlusExp(_ product: UnsafeMutablePointer<Double>, _ gaps: UnsafePointer<Double>, count: Int) {
        var start = 0
        while start < count {
            let end = Swift.min(start + exponentialBlock, count)
            if countAbove(gaps + start, count: end - start, threshold: -negligibleGap) > 0 {
                for j in start..<end { product[j] *= 1 + exp(gaps[j]) }
            }
            start = end
        }
    }

    /// How many of `values` exceed `threshold` (an integer reduction, so it vectorises).
    @inline(__always)
    static func countAbove(_ values: UnsafePointer<Double>, count: Int, threshold: Double) -> Int {
        var above = 0
        for j in 0..<count { above += values[j] > threshold ? 1 : 0 }
        return above
    }

    /// Moves the binary exponent of each product (all ≥ 1) into `exponent`, leaving mantissas in [1, 2).
    @inline(__always)
    static func normalise(_ product: UnsafeMutablePointer<Double>, _ exponent: UnsafeMutablePointer<Double>, count: Int) {
        let twoToThe52 = 4_503_599_627_370_496.0
        for j in 0..<count {
            let bits = product[j].bitPattern
            let biased = bits >> 52   // sign bit is 0
            exponent[j] += (Double(bitPattern: biased | twoToThe52.bitPattern) - twoToThe52) - 1023
            product[j] = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        }
    }

    /// eˣ in `Double` without branches or table look-ups (so loops over it vectorise).
    ///
    /// Cephes `exp`: x = n·ln2 + r with |r| ≤ ln2/2 (n by the 1.5·2⁵² rounding trick), the Padé form
    /// eʳ = 1 + 2r·P(r²)/(Q(r²) − r·P(r²)), and 2ⁿ built in the exponent bits; relative error
    /// below 3e-16. x is clamped to [−708, 709]: results below e⁻⁷⁰⁸ come out as about 3e-308.
    @inlinable @inline(__always)
    static func exp(_ value: Double) -> Double {
        let x = Swift.min(Swift.max(value, -708), 709)
        let shifter = 6_755_399_441_055_744.0   // 1.5·2⁵²
        let t = x * 1.442_695_040_888_963_4 + shifter
        let n = t - shifter
        let r = (x - n * 6.931_471_803_691_238_2e-1) - n * 1.908_214_929_270_587_7e-10
        let rr = r * r
        let p = r * ((1.261_771_930_748_105_908_78e-4 * rr + 3.029_944_077_074_419_613_00e-2) * rr + 9.999_999_999_999_999_999_10e-1)
        let q = ((3.001_985_051_386_644_550_42e-6 * rr + 2.524_483_403_496_841_041_92e-3) * rr
                 + 2.272_655_482_081_550_287_66e-1) * rr + 2.000_000_000_000_000_000_09
        let exponent = (t.bitPattern &- shifter.bitPattern &+ 1023) << 52
        return (1 + 2 * p / (q - p)) * Double(bitPattern: exponent)
    }
}
