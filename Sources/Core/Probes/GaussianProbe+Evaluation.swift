import Foundation
import Kernels
import Support

/// Evaluating any subset of neurons with the marginal Gaussians N(μ[F], Σ[F,F])
/// (Torroba Hennigen et al. 2020 §3: a marginal of a Gaussian is the sub-vector and sub-matrix).
extension GaussianProbe {
    /// Accuracy, mutual information and predictions with only the neurons in `neurons`.
    ///
    /// - Parameters:
    ///   - features: [examples, featureCount] — all neurons; only the columns in `neurons` are read
    ///   - labels: true label per example, in 0..<classCount
    ///   - neurons: the subset F, in any order (an empty subset predicts from the prior alone)
    /// - Returns: NaN accuracy and information when a covariance is not positive definite (a probe
    ///   fitted on NaN or infinite features, see ``isFinite``).
    public func evaluate(features: Tensor, labels: [Int], neurons: [Int]) -> GaussianEvaluation {
        precondition(labels.count == features.rows, "GaussianProbe.evaluate: \(labels.count) labels for \(features.rows) examples")
        precondition(labels.allSatisfy { (0..<classCount).contains($0) }, "GaussianProbe.evaluate: labels outside 0..<\(classCount)")
        guard let scores = logJoint(features: features, neurons: neurons) else {
            return GaussianEvaluation(accuracy: .nan, mutualInformation: .nan, predictions: Array(repeating: 0, count: labels.count),
                                      crossEntropy: .nan, labelEntropy: .nan)
        }
        return GaussianEvaluation(logJoint: scores, labels: labels, classCount: classCount)
    }

    /// ``evaluate(features:labels:neurons:)`` with all neurons.
    public func evaluate(features: Tensor, labels: [Int]) -> GaussianEvaluation {
        evaluate(features: features, labels: labels, neurons: Array(0..<featureCount))
    }

    /// Most probable label per example with the neurons in `neurons` (label 0 throughout when a
    /// covariance is not positive definite: a probe fitted on NaN or infinite features).
    public func predict(features: Tensor, neurons: [Int]) -> [Int] {
        guard let scores = logJoint(features: features, neurons: neurons) else { return Array(repeating: 0, count: features.rows) }
        let c = classCount
        return (0..<features.rows).map { row in
            var best = 0
            for label in 1..<max(c, 1) where scores[row * c + label] > scores[row * c + best] { best = label }
            return best
        }
    }

    /// log p(y) + log N(x_F; μ_y[F], Σ_y[F,F]) for every example and label, from a fresh Cholesky
    /// factor of each Σ_y[F,F] and a triangular solve (`dtrsm`) that whitens all examples at once.
    ///
    /// - Parameter minimumRelativePivot: reject F when some squared Cholesky pivot Lᵢᵢ² is below
    ///   this fraction of Σᵢᵢ (the greedy ranking's test for a neuron that adds no new direction).
    /// - Returns: [examples, classes], −∞ for labels without training examples; nil when some
    ///   Σ_y[F,F] is not numerically positive definite or fails the pivot test.
    func logJoint(features: Tensor, neurons: [Int], minimumRelativePivot: Double = 0) -> [Double]? {
        let n = features.rows, d = featureCount, k = neurons.count, c = classCount
        precondition(features.columns == d, "GaussianProbe: features have \(features.columns) neurons, the probe \(d)")
        precondition(neurons.allSatisfy { (0..<d).contains($0) }, "GaussianProbe: neurons outside 0..<\(d)")
        var gathering = [Double](repeating: 0, count: n * k)
        features.scalars.withUnsafeBufferPointer { x in
            for row in 0..<n {
                for (column, neuron) in neurons.enumerated() { gathering[row * k + column] = Double(x[row * d + neuron]) }
            }
        }
        let gathered = gathering
        let logTwoPi = Foundation.log(2 * Double.pi)
        /// log p(label) + log N(x_F; μ[F], Σ[F,F]) for every example; nil when the factor fails.
        let labelScores: @Sendable (Int) -> [Double]? = { [self] label in
            let base = label * d * d
            var factor = [Double](repeating: 0, count: k * k)
            for (i, a) in neurons.enumerated() {
                for (j, b) in neurons.enumerated() { factor[i * k + j] = covariances[base + a * d + b] }
            }
            let ok = factor.withUnsafeMutableBufferPointer { Self.choleskyInPlace($0.baseAddress!, size: k, stride: k) }
            guard ok else { return nil }
            var logDeterminant = 0.0
            for (i, neuron) in neurons.enumerated() {
                let pivot = factor[i * k + i]
                if pivot * pivot < minimumRelativePivot * covariances[base + neuron * d + neuron] { return nil }
                logDeterminant += 2 * Foundation.log(pivot)
            }
            var centred = [Double](repeating: 0, count: n * k)
            for row in 0..<n {
                for (column, neuron) in neurons.enumerated() {
                    centred[row * k + column] = gathered[row * k + column] - means[label * d + neuron]
                }
            }
            if k > 0 && n > 0 {
                factor.withUnsafeBufferPointer { l in
                    centred.withUnsafeMutableBufferPointer { z in
                        BLAS.solveLowerTransposedRight(m: n, n: k, l: l.baseAddress!, ldl: k, b: z.baseAddress!, ldb: k)
                    }
                }
            }
            let constant = Foundation.log(prior[label]) - 0.5 * (Double(k) * logTwoPi + logDeterminant)
            return centred.withUnsafeBufferPointer { z in
                (0..<n).map { row in constant - 0.5 * Self.dot(z.baseAddress! + row * k, z.baseAddress! + row * k, count: k) }
            }
        }
        // Labels are independent: large problems spread them over the cores (each label's numbers are
        // the same either way), when OpenBLAS runs single-threaded (it must not start threads of its own
        // from several of ours).
        let trained = (0..<c).filter(isTrained)
        let spread = BLAS.threadCount == 1 && trained.count > 1 && Double(n) * Double(k) * Double(k) > 1e8
        let columns = spread ? Parallel.map(trained.count) { labelScores(trained[$0]) } : trained.map(labelScores)
        var scores = [Double](repeating: -.infinity, count: n * c)
        for (label, column) in zip(trained, columns) {
            guard let column else { return nil }
            for row in 0..<n { scores[row * c + label] = column[row] }
        }
        return scores
    }
}
