import Foundation

/// How many neurons the top-m sets of i independent, uniformly random rankings of N neurons share:
/// the baseline of Antverg & Belinkov (2022, App. A.3) against which observed overlaps are judged.
///
/// The paper counts Cᵢ[n, m, k], the ways to pick i m-subsets of [n] whose common part has exactly
/// k neurons (eq. 3), and divides by C(n, m)ⁱ (eq. 4). `distribution` computes the same probabilities
/// without the astronomically large counts: the common part of the first j rankings has a size s;
/// the (j+1)-th ranking's top m, a uniform m-subset, keeps k of those s with the hypergeometric
/// probability C(s, k)·C(N − s, m − k) / C(N, m). Starting from s = m after one ranking and
/// iterating i − 1 times gives the distribution of the overlap. All terms are positive, so it is
/// accurate in Double for any N, m, i. `paperRecursion` evaluates eqs. 3–4 literally (normalised by
/// C(n, m)ⁱ); it agrees in the paper's range but loses accuracy when large overlaps are likely,
/// because eq. 3 subtracts nearly equal numbers. By linearity, the mean is mⁱ / Nⁱ⁻¹.
///
/// ```swift
/// ExpectedOverlap.expected(rankings: 2, neurons: 768, top: 100)   // 13.02
/// ExpectedOverlap.expected(rankings: 3, neurons: 768, top: 100)   // 1.69
/// ```
public enum ExpectedOverlap {
    /// Eᵢ(N, m): the expected number of neurons in the top `top` of all `rankings` random rankings.
    ///
    /// - Parameters:
    ///   - rankings: i ≥ 1 (one ranking overlaps itself in all m neurons).
    ///   - neurons: N, the number of neurons ranked.
    ///   - top: m ≤ N.
    public static func expected(rankings: Int, neurons: Int, top: Int) -> Double {
        let probabilities = distribution(rankings: rankings, neurons: neurons, top: top)
        var mean = 0.0
        for (k, p) in probabilities.enumerated() { mean += Double(k) * p }
        return mean
    }

    /// P(overlap = k) for k = 0 ... m: the exact distribution of the size of the common part of the
    /// top-m sets of i random rankings of N neurons, by iterated hypergeometric draws.
    ///
    /// - Returns: m + 1 probabilities summing to 1.
    public static func distribution(rankings: Int, neurons: Int, top: Int) -> [Double] {
        validate(rankings: rankings, neurons: neurons, top: top)
        let n = neurons, m = top
        var current = [Double](repeating: 0, count: m + 1)
        current[m] = 1
        let logFactorials = logFactorialTable(n)
        func logBinomial(_ a: Int, _ b: Int) -> Double { logFactorials[a] - logFactorials[b] - logFactorials[a - b] }
        let logAll = logBinomial(n, m)
        for _ in 1..<rankings {
            var next = [Double](repeating: 0, count: m + 1)
            for s in 0...m where current[s] > 0 {
                // k of the s common neurons stay; the other m − k picks come from the N − s others.
                for k in max(0, m - (n - s))...s {
                    let logP = logBinomial(s, k) + logBinomial(n - s, m - k) - logAll
                    next[k] += current[s] * Foundation.exp(logP)
                }
            }
            current = next
        }
        return current
    }

    /// The distribution of the overlap by the paper's recursion (App. A.3, eqs. 3–4), normalised:
    /// πᵢ(n, m, k) = Cᵢ[n, m, k] / C(n, m)ⁱ = C(n, k)·C(n − k, m − k)ⁱ / C(n, m)ⁱ · (1 − Σⱼ₌₁^{m−k} πᵢ(n − k, m − k, j)).
    ///
    /// Only pairs (n − k, m − k) with the fixed difference N − m occur, so a table of
    /// "no common neuron" probabilities z(t) = 1 − Σⱼ πᵢ(N − m + t, t, j), t = 0 ... m, suffices
    /// (z(0) = 1 matches the paper's start C[1, 1, 1] = 1). Accurate while the overlap stays small,
    /// as for E₂(768, 100) and E₃(768, 100); prefer `distribution` in general.
    ///
    /// - Returns: m + 1 probabilities, k = 0 ... m.
    public static func paperRecursion(rankings: Int, neurons: Int, top: Int) -> [Double] {
        validate(rankings: rankings, neurons: neurons, top: top)
        let i = Double(rankings), gap = neurons - top
        // πᵢ(n, t, k) with n = gap + t, given the table of z for smaller t.
        func pi(_ t: Int, _ k: Int, _ none: [Double]) -> Double {
            let n = gap + t
            let logP = logBinomial(n, k) + i * logBinomial(n - k, t - k) - i * logBinomial(n, t)
            return Foundation.exp(logP) * none[t - k]
        }
        var none = [1.0]
        for t in stride(from: 1, through: top, by: 1) {
            var sum = 0.0
            for k in 1...t { sum += pi(t, k, none) }
            none.append(min(1, max(0, 1 - sum)))
        }
        return (0...top).map { k in k == 0 ? none[top] : pi(top, k, none) }
    }

    /// ln 0!, ln 1!, ..., ln n!.
    static func logFactorialTable(_ n: Int) -> [Double] {
        var table = [0.0]
        table.reserveCapacity(n + 1)
        for value in stride(from: 1, through: n, by: 1) { table.append(table[value - 1] + Foundation.log(Double(value))) }
        return table
    }

    /// ln C(n, k) through lgamma.
    static func logBinomial(_ n: Int, _ k: Int) -> Double {
        Foundation.lgamma(Double(n + 1)) - Foundation.lgamma(Double(k + 1)) - Foundation.lgamma(Double(n - k + 1))
    }

    static func validate(rankings: Int, neurons: Int, top: Int) {
        precondition(rankings >= 1, "ExpectedOverlap: need at least one ranking, got \(rankings)")
        precondition(top >= 0 && top <= neurons,
                     "ExpectedOverlap: top \(top) must lie in 0...\(neurons) (the number of neurons)")
    }
}
