import Foundation

/// The Wilcoxon signed-rank test for paired samples (Wilcoxon 1945), as `scipy.stats.wilcoxon`
/// computes it with its defaults (`zero_method="wilcox"`, `correction=False`, `method="auto"`).
///
/// Zero differences are dropped (Wilcoxon's own treatment), the remaining |dᵢ| are ranked with
/// average ranks for ties, and W⁺ / W⁻ are the rank sums of the positive / negative differences.
/// The p-value comes from
/// - the **exact** null distribution of W⁺ (every sign pattern equally likely), computed by dynamic
///   programming over rank sums; with ties it is the exact distribution *conditional on the observed
///   ranks* (doubled average ranks are integers), which is what scipy's exhaustive permutation test
///   gives;
/// - or the **normal approximation** with mean n(n+1)/4 and the tie-corrected variance
///   [n(n+1)(2n+1) − ½ Σ(t³ − t)] / 24, with an optional continuity correction of ½.
///
/// `Method.auto` chooses as scipy 1.17 does, with `m` the number of pairs *including* zero
/// differences: exact when m ≤ 50 and there are neither ties nor zeros; exact (conditional) when
/// there are ties or zeros and m ≤ 13; the normal approximation otherwise.
/// Antverg & Belinkov (2022, §3.1.1 and App. A.7) compare classifier–ranking combinations with it
/// across configs.
///
/// ```swift
/// let test = WilcoxonSignedRank(linearAccuracy, gaussianAccuracy, alternative: .less)
/// if test.pValue < 0.05 { … }
/// ```
public struct WilcoxonSignedRank: Sendable, Equatable {
    /// The alternative hypothesis about the differences d = x − y.
    public enum Alternative: String, Sendable, Hashable, CaseIterable {
        /// d is not symmetric about zero.
        case twoSided = "two-sided"
        /// d is stochastically greater than zero (x tends to exceed y).
        case greater
        /// d is stochastically less than zero (y tends to exceed x).
        case less
    }

    /// How the p-value is to be computed.
    public enum Method: Sendable, Hashable {
        /// scipy's rule: exact for small samples, the normal approximation otherwise (see the type).
        case auto
        /// The exact (conditional, when there are ties) null distribution, whatever the size.
        case exact
        /// The normal approximation with tie correction.
        case normalApproximation
    }

    /// How the p-value was computed.
    public enum PValueMethod: String, Sendable, Hashable {
        /// Exact null distribution of W⁺ given the ranks.
        case exact
        /// Normal approximation with tie correction (and the continuity correction when asked).
        case normalApproximation = "normal approximation"
    }

    /// Pairs with a non-zero difference: the sample size the test uses.
    public let count: Int
    /// Pairs whose difference was zero and was dropped.
    public let zeroCount: Int
    /// Whether some non-zero |dᵢ| were tied (and got average ranks).
    public let hasTies: Bool
    /// Sum of the ranks of the positive differences.
    public let positiveRankSum: Double
    /// Sum of the ranks of the negative differences.
    public let negativeRankSum: Double
    /// The alternative that `pValue` answers.
    public let alternative: Alternative
    /// The standardised W⁺, (W⁺ − n(n+1)/4) / σ, continuity-corrected when asked; nil for an exact
    /// p-value. Signed (positive when W⁺ is above its mean); scipy reports −|z| for two-sided tests.
    public let z: Double?
    /// The p-value under the null hypothesis that the differences are symmetric about zero.
    public let pValue: Double
    /// How `pValue` was computed.
    public let method: PValueMethod

    /// The reported statistic, as scipy reports it: min(W⁺, W⁻) for a two-sided test, W⁺ otherwise.
    public var statistic: Double {
        alternative == .twoSided ? min(positiveRankSum, negativeRankSum) : positiveRankSum
    }

    /// Tests paired samples `x` and `y` on their differences `x[i] − y[i]`.
    ///
    /// - Parameters:
    ///   - x: first measurement of each pair.
    ///   - y: second measurement of each pair (same count as `x`).
    ///   - alternative: two-sided (default), or one-sided about the sign of x − y.
    ///   - method: how to get the p-value; `.auto` follows scipy.
    ///   - continuityCorrection: subtract ½ from |W⁺ − mean| in the normal approximation (off, as in scipy).
    public init(_ x: [Double], _ y: [Double], alternative: Alternative = .twoSided,
                method: Method = .auto, continuityCorrection: Bool = false) {
        precondition(x.count == y.count, "Wilcoxon: paired samples differ in length (\(x.count) vs \(y.count))")
        self.init(differences: zip(x, y).map { $0 - $1 }, alternative: alternative,
                  method: method, continuityCorrection: continuityCorrection)
    }

    /// Tests the differences `d` of paired samples (the one-sample form).
    ///
    /// - Parameters:
    ///   - differences: dᵢ = xᵢ − yᵢ; none may be NaN, and at least one must be non-zero.
    ///   - alternative: two-sided (default), or one-sided about the sign of d.
    ///   - method: how to get the p-value; `.auto` follows scipy.
    ///   - continuityCorrection: subtract ½ from |W⁺ − mean| in the normal approximation.
    public init(differences: [Double], alternative: Alternative = .twoSided,
                method: Method = .auto, continuityCorrection: Bool = false) {
        precondition(!differences.contains { $0.isNaN }, "Wilcoxon: a difference is NaN")
        let nonZero = differences.filter { $0 != 0 }
        precondition(!nonZero.isEmpty,
                     "Wilcoxon: all \(differences.count) differences are zero; the test is undefined")
        let n = nonZero.count
        count = n
        zeroCount = differences.count - n
        self.alternative = alternative

        // Average ranks of |d|, kept doubled so that they stay integers; tie groups for the variance.
        let order = nonZero.indices.sorted { abs(nonZero[$0]) < abs(nonZero[$1]) }
        var doubledRanks = [Int](repeating: 0, count: n)
        var tieCorrection = 0.0
        var start = 0
        while start < n {
            var end = start + 1
            while end < n, abs(nonZero[order[end]]) == abs(nonZero[order[start]]) { end += 1 }
            // Ranks start + 1 ... end share their mean (start + 1 + end) / 2.
            for position in start..<end { doubledRanks[order[position]] = start + 1 + end }
            let t = Double(end - start)
            tieCorrection += t * t * t - t
            start = end
        }
        hasTies = tieCorrection > 0

        var doubledPlus = 0
        for index in 0..<n where nonZero[index] > 0 { doubledPlus += doubledRanks[index] }
        let doubledTotal = n * (n + 1)
        positiveRankSum = Double(doubledPlus) / 2
        negativeRankSum = Double(doubledTotal - doubledPlus) / 2

        let useExact: Bool
        switch method {
        case .exact: useExact = true
        case .normalApproximation: useExact = false
        case .auto:
            let pairs = differences.count
            useExact = (!hasTies && zeroCount == 0) ? pairs <= 50 : pairs <= 13
        }

        if useExact {
            let pmf = Self.nullDistribution(doubledRanks: doubledRanks)
            let lower = pmf[0...doubledPlus].reduce(0, +)            // P(2W⁺ ≤ observed)
            let upper = pmf[doubledPlus...].reduce(0, +)             // P(2W⁺ ≥ observed)
            switch alternative {
            case .twoSided: pValue = min(1, 2 * min(lower, upper))
            case .greater: pValue = min(1, upper)
            case .less: pValue = min(1, lower)
            }
            z = nil
            self.method = .exact
        } else {
            let nn = Double(n)
            let mean = nn * (nn + 1) / 4
            let sigma = ((nn * (nn + 1) * (2 * nn + 1) - tieCorrection / 2) / 24).squareRoot()
            var standardised = (positiveRankSum - mean) / sigma
            if continuityCorrection {
                let sign: Double
                switch alternative {
                case .twoSided: sign = standardised > 0 ? 1 : (standardised < 0 ? -1 : 0)
                case .greater: sign = 1
                case .less: sign = -1
                }
                standardised -= sign * 0.5 / sigma
            }
            switch alternative {
            case .twoSided: pValue = min(1, Foundation.erfc(abs(standardised) / 2.0.squareRoot()))
            case .greater: pValue = 0.5 * Foundation.erfc(standardised / 2.0.squareRoot())
            case .less: pValue = 0.5 * Foundation.erfc(-standardised / 2.0.squareRoot())
            }
            z = standardised
            self.method = .normalApproximation
        }
    }

    /// The exact null distribution of 2W⁺ when each difference is positive or negative with
    /// probability ½ independently: `pmf[s] = P(2W⁺ = s)`, s = 0 ... Σ doubledRanks.
    ///
    /// Dynamic programming over the ranks, one rank at a time: p′[s] = ½ p[s] + ½ p[s − r].
    /// Cost O(n · Σ ranks), i.e. O(n³).
    ///
    /// - Parameter doubledRanks: twice the (average) rank of each non-zero difference.
    public static func nullDistribution(doubledRanks: [Int]) -> [Double] {
        precondition(doubledRanks.allSatisfy { $0 > 0 }, "Wilcoxon: ranks must be positive")
        let total = doubledRanks.reduce(0, +)
        var pmf = [Double](repeating: 0, count: total + 1)
        pmf[0] = 1
        var reach = 0
        for rank in doubledRanks {
            reach += rank
            // Descending so that p[s − r] is still the previous step's value.
            var s = reach
            while s >= rank {
                pmf[s] = 0.5 * pmf[s] + 0.5 * pmf[s - rank]
                s -= 1
            }
            while s >= 0 {
                pmf[s] *= 0.5
                s -= 1
            }
        }
        return pmf
    }
}
