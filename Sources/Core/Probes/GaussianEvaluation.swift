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
        var tally = Tally(classCount: c, expectedRows: n)
        logJoint.withUnsafeBufferPointer { scores in
            for row in 0..<n { tally.add(scores.baseAddress! + row * c, label: labels[row]) }
        }
        self = tally.evaluation
    }

    /// An evaluation built one example at a time, in example order (the sums run as in
    /// ``init(logJoint:labels:classCount:)``, which is a tally over all rows).
    struct Tally {
        let classCount: Int
        private(set) var predictions: [Int] = []
        private var correct = 0
        private var logPosteriorSum = 0.0
        private var labelCounts: [Int]

        init(classCount: Int, expectedRows: Int = 0) {
            self.classCount = classCount
            labelCounts = [Int](repeating: 0, count: classCount)
            predictions.reserveCapacity(expectedRows)
        }

        /// Adds one example: its scores log p(y) + log p(x | y) for every label, and its true label.
        mutating func add(_ scores: UnsafePointer<Double>, label: Int) {
            let c = classCount
            var best = 0
            var largest = -Double.infinity
            for candidate in 0..<c where scores[candidate] > largest {
                largest = scores[candidate]
                best = candidate
            }
            var sum = 0.0
            if largest > -.infinity {
                for candidate in 0..<c { sum += Foundation.exp(scores[candidate] - largest) }
            }
            logPosteriorSum += scores[label] - largest - Foundation.log(sum)
            predictions.append(best)
            if best == label { correct += 1 }
            labelCounts[label] += 1
        }

        var evaluation: GaussianEvaluation {
            let n = predictions.count
            let entropy = GaussianProbe.entropy(labelCounts.map { Double($0) / Double(max(n, 1)) })
            let crossEntropy = n > 0 ? -logPosteriorSum / Double(n) : 0
            return GaussianEvaluation(accuracy: n > 0 ? Double(correct) / Double(n) : 0,
                                      mutualInformation: (entropy - crossEntropy) / Foundation.log(2),
                                      predictions: predictions, crossEntropy: crossEntropy, labelEntropy: entropy)
        }
    }
}
