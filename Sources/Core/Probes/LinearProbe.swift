import Foundation
import Kernels
import Support

/// Softmax regression with an elastic-net penalty, trained with Adam on minibatches
/// (Durrani et al. 2020 §2; NeuroX `train_logistic_regression_probe`; Antverg & Belinkov App. A.5).
///
/// Loss = mean cross-entropy + λ1·Σ|W| + λ2·sqrt(ΣW²) — weights only, no bias; the L2 term is the
/// non-squared Frobenius norm, as in both reference implementations.
public struct LinearProbe: Sendable {
    /// [classes, features]
    public var weights: Tensor
    /// [classes]
    public var bias: [Float]
    public var settings: LinearProbeSettings

    public var classCount: Int { weights.rows }
    public var featureCount: Int { weights.columns }

    /// Trains a fresh probe.
    ///
    /// - Parameters:
    ///   - features: [examples, features]
    ///   - labels: class index per example, in 0..<classCount
    ///   - initial: starting weights [classes, features] and bias, instead of the seeded
    ///     PyTorch-style initialisation (used to check parity with PyTorch step by step).
    public static func train(features: Tensor, labels: [Int], classCount: Int,
                             settings: LinearProbeSettings = .pitfalls,
                             initial: (weights: Tensor, bias: [Float])? = nil) -> LinearProbe {
        trainSideBySide(features: features, labelSets: [labels], classCount: classCount,
                        settings: [settings], initial: initial)[0]
    }

    /// Class scores. - Returns: [examples, classes]
    public func logits(_ features: Tensor) -> Tensor {
        features.linear(weight: weights, bias: Tensor(shape: [classCount], scalars: bias))
    }

    /// The most likely class of each example.
    public func predict(_ features: Tensor) -> [Int] {
        let scores = logits(features)
        return (0..<scores.rows).map { row in
            var best = 0
            for k in 1..<max(classCount, 1) where scores[row, k] > scores[row, best] { best = k }
            return best
        }
    }

    /// Share of examples classified correctly.
    public func accuracy(_ features: Tensor, labels: [Int]) -> Double {
        guard !labels.isEmpty else { return 0 }
        let predictions = predict(features)
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// Accuracy when only `kept` features pass and the rest are zeroed, without retraining
    /// (Durrani et al.'s ablation: keep the top / random / bottom 20%).
    public func accuracy(_ features: Tensor, labels: [Int], keeping kept: [Int]) -> Double {
        var masked = Tensor(zeros: features.shape)
        let d = features.columns
        for row in 0..<features.rows { for j in kept { masked.scalars[row * d + j] = features.scalars[row * d + j] } }
        return accuracy(masked, labels: labels)
    }
}
