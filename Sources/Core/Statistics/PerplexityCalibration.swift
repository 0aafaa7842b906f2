import Foundation

/// Gaussian conditional probabilities p(j | i) with a per-point precision βᵢ = 1 / (2σᵢ²) chosen
/// so that each row has a given perplexity (van der Maaten & Hinton 2008, §2, eq. 1 and the
/// binary search described after it): the input affinities of t-SNE.
///
/// p(j | i) = exp(−βᵢ dᵢⱼ) / Σₖ≠ᵢ exp(−βᵢ dᵢₖ) over squared distances dᵢⱼ, and Perp(Pᵢ) = 2^{H(Pᵢ)}
/// with the Shannon entropy H in bits. βᵢ is found by bisection (doubling or halving until the
/// target is bracketed), as scikit-learn's `_binary_search_perplexity` does, until |H − log₂ Perp|
/// is within `tolerance` nats (or after `maxSteps`). Distances are shifted by each row's smallest
/// one before exponentiating, which changes nothing but avoids underflow for far-apart points.
public struct PerplexityCalibration: Sendable, Equatable {
    /// Number of points.
    public let count: Int
    /// The target perplexity.
    public let perplexity: Double
    /// p(j | i), n × n row-major (row i sums to 1; the diagonal is 0).
    public let conditional: [Double]
    /// The precision βᵢ = 1 / (2σᵢ²) found for each point.
    public let betas: [Double]
    /// The entropy H(Pᵢ) in bits reached for each point (≈ log₂ perplexity).
    public let entropies: [Double]

    /// Calibrates each row of a squared-distance matrix.
    ///
    /// - Parameters:
    ///   - squaredDistances: n × n row-major; only off-diagonal entries are read.
    ///   - count: n ≥ 2.
    ///   - perplexity: target perplexity, 1 ≤ perplexity < n.
    ///   - tolerance: allowed |entropy − ln perplexity| in nats (scikit-learn: 1e-5).
    ///   - maxSteps: bisection steps per point (scikit-learn: 100).
    public init(squaredDistances: [Double], count n: Int, perplexity: Double,
                tolerance: Double = 1e-5, maxSteps: Int = 100) {
        precondition(n >= 2 && squaredDistances.count == n * n,
                     "PerplexityCalibration: need n ≥ 2 and n × n distances, got n = \(n), \(squaredDistances.count) values")
        precondition(perplexity >= 1 && perplexity < Double(n),
                     "PerplexityCalibration: perplexity \(perplexity) must lie in [1, \(n)) for \(n) points")
        count = n
        self.perplexity = perplexity
        let target = Foundation.log(perplexity)
        var conditional = [Double](repeating: 0, count: n * n)
        var betas = [Double](repeating: 1, count: n)
        var entropies = [Double](repeating: 0, count: n)
        var shifted = [Double](repeating: 0, count: n)
        var row = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var smallest = Double.infinity
            for j in 0..<n where j != i { smallest = min(smallest, squaredDistances[i * n + j]) }
            for j in 0..<n { shifted[j] = j == i ? 0 : squaredDistances[i * n + j] - smallest }
            var beta = 1.0, low = -Double.infinity, high = Double.infinity
            var entropy = 0.0, used = beta
            for _ in 0..<maxSteps {
                used = beta
                var sum = 0.0
                for j in 0..<n {
                    row[j] = j == i ? 0 : Foundation.exp(-shifted[j] * beta)
                    sum += row[j]
                }
                // The nearest neighbour contributes exp(0) = 1, so sum ≥ 1.
                var weighted = 0.0
                for j in 0..<n {
                    row[j] /= sum
                    weighted += shifted[j] * row[j]
                }
                entropy = Foundation.log(sum) + beta * weighted
                let difference = entropy - target
                if abs(difference) <= tolerance { break }
                if difference > 0 {
                    low = beta
                    beta = high == .infinity ? beta * 2 : (beta + high) / 2
                } else {
                    high = beta
                    beta = low == -.infinity ? beta / 2 : (beta + low) / 2
                }
            }
            for j in 0..<n { conditional[i * n + j] = row[j] }
            betas[i] = used
            entropies[i] = entropy / Foundation.log(2.0)
        }
        self.conditional = conditional
        self.betas = betas
        self.entropies = entropies
    }

    /// The symmetric joint probabilities pᵢⱼ = (p(j | i) + p(i | j)) / 2n of t-SNE (§3.1), floored
    /// at Double's machine epsilon off the diagonal as scikit-learn does; n × n, zero diagonal.
    public var joint: [Double] {
        let n = count
        var joint = [Double](repeating: 0, count: n * n)
        let scale = 1 / (2 * Double(n))
        for i in 0..<n {
            for j in (i + 1)..<n {
                let value = max((conditional[i * n + j] + conditional[j * n + i]) * scale, Double.ulpOfOne)
                joint[i * n + j] = value
                joint[j * n + i] = value
            }
        }
        return joint
    }
}
