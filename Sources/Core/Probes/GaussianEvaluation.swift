import Foundation

/// How a ``GaussianProbe`` does on one split with one subset of neurons.
///
/// The mutual-information estimate is that of Torroba Hennigen et al. 2020 §4 and `Gaussian.py`
/// `predict`: I(Y; X_F) ≈ (H(Y) − mean over examples of −log p(y | x_F)) / ln 2 bits, where H(Y)
/// is the entropy of the evaluated split's label frequencies (as `Gaussian.py` computes it) and
/// p(y | x_F) the probe's posterior by Bayes' rule.
public struct GaussianEvaluation: Sendable, Equatable {
    /// Fraction of examples whose most probable label is the true one.
    public var accuracy: Double
    /// (``labelEntropy`` − ``crossEntropy``) / ln 2, in bits.
    public var mutualInformation: Double
    /// Most probable label per example (the first one on ties).
    public var predictions: [Int]
    /// Mean over examples of −log p(y_true | x_F), in nats.
    public var crossEntropy: Double
    /// Entropy of the evaluated labels' frequencies, in nats.
    public var labelEntropy: Double

    /// Mutual information as a fraction of H(Y) (`nmi` in `Gaussian.py`); 0 when H(Y) = 0.
    public var normalizedMutualInformation: Double {
        labelEntropy > 0 ? mutualInformation * Foundation.log(2) / labelEntropy : 0
    }

    /// The mutual information against another H(Y) (nats), e.g. ``GaussianProbe/priorEntropy``: in bits.
    public func mutualInformation(labelEntropy entropy: Double) -> Double {
        (entropy - crossEntropy) / Foundation.log(2)
    }

    public init(accuracy: Double, mutualInformation: Double, predictions: [Int], crossEntropy: Double, labelEntropy: Double) {
        self.accuracy = accuracy
        self.mutualInformation = mutualInformation
        self.predictions = predictions
        self.crossEntropy = crossEntropy
        self.labelEntropy = labelEntropy
    }

    /// Scores from log p(y) + log p(x | y).
    ///
    /// - Parameters:
    ///   - logJoint: [examples, classes]; −∞ for labels the probe never saw
    ///   - labels: true label per example
    init(logJoint: [Double], labels: [Int], classCount c: Int) {
        let n = labels.count
        precondition(logJoint.count == n * c, "GaussianEvaluation: \(logJoint.count) scores for \(n)×\(c)")
        var predictions = [Int](repeating: 0, count: n)
        var correct = 0
        var logPosteriorSum = 0.0
        var labelCounts = [Int](repeating: 0, count: c)
        for row in 0..<n {
            let scores = logJoint[(row * c)..<(row * c + c)]
            var best = 0
            var largest = -Double.infinity
            for (label, score) in zip(0..<c, scores) where score > largest {
                largest = score
                best = label
            }
            var sum = 0.0
            if largest > -.infinity {
                for score in scores { sum += Foundation.exp(score - largest) }
            }
            let label = labels[row]
            logPosteriorSum += logJoint[row * c + label] - largest - Foundation.log(sum)
            predictions[row] = best
            if best == label { correct += 1 }
            labelCounts[label] += 1
        }
        let entropy = GaussianProbe.entropy(labelCounts.map { Double($0) / Double(max(n, 1)) })
        let crossEntropy = n > 0 ? -logPosteriorSum / Double(n) : 0
        self.init(accuracy: n > 0 ? Double(correct) / Double(n) : 0,
                  mutualInformation: (entropy - crossEntropy) / Foundation.log(2),
                  predictions: predictions, crossEntropy: crossEntropy, labelEntropy: entropy)
    }
}
