import Foundation
import Kernels
import Support

/// The probe on the top k neurons of one ranking for many k at once: a ranking's Gaussian curve.
extension GaussianProbe {
    /// Examples whitened per ``prefixEvaluations(features:labels:order:counts:)`` call at a time.
    static let prefixBlockRows = 512

    /// ``evaluate(features:labels:neurons:)`` with `Array(order.prefix(k))` for every k in `counts`,
    /// from one factorisation per label instead of one per k.
    ///
    /// The Cholesky factor of Σ[F,F] for F = the top K = max(counts) neurons holds the factor of every
    /// leading k×k block (row i of ``choleskyRows(_:size:stride:)`` reads rows < i only), and the first
    /// k coordinates of z = L⁻¹(x_F − μ_F) are those of the top-k problem (forward substitution). So
    /// per label one factor and one triangular solve at width K give every k's log-likelihood:
    /// log det Σ[F,F] and ‖z‖² summed up to k. The factor and log det are those of the from-scratch
    /// evaluation bit for bit; OpenBLAS's blocked `dtrsm` at width K may round the first k columns
    /// differently from a solve at width k (in the last bit: |Δz| ≤ 7e-17 measured on this machine),
    /// and ‖z‖² is a running sum, so the log-likelihoods agree to rounding and the predictions
    /// wherever two labels are not tied to within it.
    ///
    /// - Parameters:
    ///   - features: [examples, featureCount]; only the columns of the top K neurons are read
    ///   - labels: true label per example, in 0..<classCount
    ///   - order: a ranking, best first (distinct neurons)
    ///   - counts: the k values, each in 0...order.count, in any order
    /// - Returns: one evaluation per entry of `counts`; NaN accuracy and information at every k whose
    ///   Σ[F,F] is not positive definite for some label, as ``evaluate(features:labels:neurons:)``.
    public func prefixEvaluations(features: Tensor, labels: [Int], order: [Int], counts: [Int]) -> [GaussianEvaluation] {
        let n = features.rows, d = featureCount, c = classCount
        precondition(features.columns == d, "GaussianProbe: features have \(features.columns) neurons, the probe \(d)")
        precondition(labels.count == n, "GaussianProbe.prefixEvaluations: \(labels.count) labels for \(n) examples")
        precondition(labels.allSatisfy { (0..<c).contains($0) }, "GaussianProbe.prefixEvaluations: labels outside 0..<\(c)")
        precondition(counts.allSatisfy { (0...order.count).contains($0) },
                     "GaussianProbe.prefixEvaluations: counts outside 0...\(order.count)")
        let top = Array(order.prefix(counts.max() ?? 0))
        precondition(top.allSatisfy { (0..<d).contains($0) }, "GaussianProbe: neurons outside 0..<\(d)")
        let k = top.count
        // The distinct k values in increasing order; each count reads its own.
        let steps = Array(Set(counts)).sorted()
        let logTwoPi = Foundation.log(2 * Double.pi)

        // Per label: the factor of Σ[top, top], how many leading rows of it exist, log det up to each step.
        var factors = [Double](repeating: 0, count: c * k * k)
        var factored = [Int](repeating: k, count: c)
        var constants = [Double](repeating: -.infinity, count: c * steps.count)
        for label in 0..<c where isTrained(label) {
            let base = label * d * d
            factors.withUnsafeMutableBufferPointer { all in
                let factor = all.baseAddress! + label * k * k
                for (i, a) in top.enumerated() {
                    for (j, b) in top.enumerated() { factor[i * k + j] = covariances[base + a * d + b] }
                }
                factored[label] = Self.choleskyRows(factor, size: k, stride: k)
                var logDeterminant = 0.0
                var next = 0
                for (index, step) in steps.enumerated() where step <= factored[label] {
                    while next < step {
                        logDeterminant += 2 * Foundation.log(factor[next * k + next])
                        next += 1
                    }
                    constants[label * steps.count + index] = Foundation.log(prior[label]) - 0.5 * (Double(step) * logTwoPi + logDeterminant)
                }
            }
        }
        // A k beyond some trained label's factor is not positive definite: NaN, as `evaluate`.
        let usable = (0..<c).filter(isTrained).map { factored[$0] }.min() ?? k
        let width = min(usable, k)
        let columns = Array(top.prefix(width))

        var tallies = steps.map { _ in GaussianEvaluation.Tally(classCount: c, expectedRows: n) }
        let block = Self.prefixBlockRows
        var gathered = [Double](repeating: 0, count: block * width)
        var whitened = [Double](repeating: 0, count: c * block * width)
        var scores = [Double](repeating: -.infinity, count: steps.count * block * c)
        features.scalars.withUnsafeBufferPointer { x in
            factors.withUnsafeBufferPointer { factors in
                gathered.withUnsafeMutableBufferPointer { gathered in
                    whitened.withUnsafeMutableBufferPointer { whitened in
                        scores.withUnsafeMutableBufferPointer { scores in
                            var start = 0
                            while start < n {
                                let rows = min(block, n - start)
                                for r in 0..<rows {
                                    for (column, neuron) in columns.enumerated() {
                                        gathered[r * width + column] = Double(x[(start + r) * d + neuron])
                                    }
                                }
                                for label in 0..<c where isTrained(label) {
                                    let z = whitened.baseAddress! + label * block * width
                                    for r in 0..<rows {
                                        for (column, neuron) in columns.enumerated() {
                                            z[r * width + column] = gathered[r * width + column] - means[label * d + neuron]
                                        }
                                    }
                                    if width > 0 {
                                        BLAS.solveLowerTransposedRight(m: rows, n: width, l: factors.baseAddress! + label * k * k, ldl: k,
                                                                       b: z, ldb: width)
                                    }
                                    // ‖z‖² up to each step, written as that step's score for this label.
                                    for r in 0..<rows {
                                        var quadratic = 0.0
                                        var column = 0
                                        for (index, step) in steps.enumerated() where step <= width {
                                            while column < step {
                                                quadratic += z[r * width + column] * z[r * width + column]
                                                column += 1
                                            }
                                            scores[(index * block + r) * c + label] = constants[label * steps.count + index] - 0.5 * quadratic
                                        }
                                    }
                                }
                                for (index, step) in steps.enumerated() where step <= width {
                                    for r in 0..<rows {
                                        tallies[index].add(scores.baseAddress! + (index * block + r) * c, label: labels[start + r])
                                    }
                                }
                                start += rows
                            }
                        }
                    }
                }
            }
        }
        let failed = GaussianEvaluation(accuracy: .nan, mutualInformation: .nan, predictions: Array(repeating: 0, count: n),
                                        crossEntropy: .nan, labelEntropy: .nan)
        let byStep = steps.enumerated().map { index, step in step <= width ? tallies[index].evaluation : failed }
        return counts.map { byStep[steps.firstIndex(of: $0)!] }
    }
}
