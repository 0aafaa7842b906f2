import Foundation
import Kernels

/// A generative probe: one multivariate Gaussian per label, MAP under a Normal-inverse-Wishart prior
/// (Torroba Hennigen et al. 2020 §3–4; Antverg & Belinkov 2022 §2.1, `Gaussian.py`).
///
/// Fitting is done once on all D neurons, in `Double`. Any subset F of neurons is then evaluated
/// with the marginal N(μ[F], Σ[F,F]) of each label's Gaussian, without refitting — the
/// "decomposability" the greedy ranking relies on.
///
/// MAP estimate (Murphy 2012 §4.6.3, as in the reference code): k₀ = 0.01, ν₀ = D + 2,
/// Λₙ = Λ₀ + S (S = scatter about the label mean), νₙ = ν₀ + N_label,
/// μ* = (k₀μ₀ + N_label·x̄)/(k₀ + N_label), Σ* = Λₙ / (νₙ + D + 2). The NIW posterior term
/// k₀N/(k₀+N)·(x̄ − μ₀)(x̄ − μ₀)ᵀ is left out of Λₙ, as in `Gaussian.py` (where it is zero).
/// Where Σ* is not positive definite, `10·|λ_min|` is added to its diagonal (`Gaussian.py`).
///
/// ```swift
/// let probe = GaussianProbe.fit(features: train, labels: trainLabels, classCount: 2)
/// let result = probe.evaluate(features: dev, labels: devLabels, neurons: [12, 300, 7])
/// ```
public struct GaussianProbe: Sendable {
    /// Where the prior mean μ₀ and the prior scale Λ₀ come from.
    public enum Prior: Sendable, Hashable, Codable {
        /// μ₀ = mean of all training examples, Λ₀ = diag(covariance of all training examples):
        /// one reading of Torroba Hennigen et al. 2020.
        case pooled
        /// μ₀ = the label's own mean, Λ₀ = diag(the label's own covariance): what the Pitfalls
        /// `Gaussian.py` and NeuroX `gaussian_probe.py` compute (μ* is then exactly the label mean).
        /// The default, to match the reference code.
        case perLabel
    }

    /// k₀, the pseudo-count of the prior mean.
    public static let priorMeanStrength = 0.01
    /// Multiple of |λ_min| added to the diagonal of a covariance that is not positive definite.
    public static let ridgeFactor = 10.0

    /// Number of labels (classes), including labels with no training example.
    public let classCount: Int
    /// D, the number of neurons the probe was fitted on.
    public let featureCount: Int
    /// μ* per label: [classes, features], row-major.
    public let means: [Double]
    /// Σ* per label: [classes, features, features], row-major, symmetric.
    public let covariances: [Double]
    /// Label prior: training frequency of each label, [classes].
    public let prior: [Double]
    /// Training examples per label.
    public let classSizes: [Int]
    /// What was added to each label's covariance diagonal to make it positive definite (usually 0).
    public let ridges: [Double]
    /// The prior the probe was fitted with.
    public let priorKind: Prior

    /// Fits one Gaussian per label.
    ///
    /// - Parameters:
    ///   - features: [examples, neurons] training features
    ///   - labels: label per example, in 0..<classCount
    ///   - classCount: number of labels
    ///   - prior: where μ₀ and Λ₀ come from (default ``Prior/pooled``)
    public static func fit(features: Tensor, labels: [Int], classCount: Int, prior: Prior = .perLabel) -> GaussianProbe {
        let n = features.rows, d = features.columns, c = classCount
        precondition(labels.count == n, "GaussianProbe.fit: \(labels.count) labels for \(n) examples")
        precondition(c > 0 && labels.allSatisfy { (0..<c).contains($0) }, "GaussianProbe.fit: labels outside 0..<\(c)")
        precondition(n > 0 && d > 0, "GaussianProbe.fit: empty features \(features.shape)")

        var counts = [Int](repeating: 0, count: c)
        for label in labels { counts[label] += 1 }
        let classMeans = labelMeans(features: features, labels: labels, counts: counts)
        var scatter = scatterMatrices(features: features, labels: labels, counts: counts, means: classMeans)

        // Prior mean μ₀ and diagonal prior scale Λ₀ per label.
        var priorMeans = [Double](repeating: 0, count: c * d)
        var priorScales = [Double](repeating: 0, count: c * d)
        switch prior {
        case .pooled:
            var overall = [Double](repeating: 0, count: d)
            for label in 0..<c where counts[label] > 0 {
                let weight = Double(counts[label]) / Double(n)
                for j in 0..<d { overall[j] += weight * classMeans[label * d + j] }
            }
            // Total scatter = Σ_label (S_label + N_label (x̄_label − μ₀)²), divided by N − 1 (np.cov).
            var variance = [Double](repeating: 0, count: d)
            for label in 0..<c where counts[label] > 0 {
                let size = Double(counts[label])
                for j in 0..<d {
                    let shift = classMeans[label * d + j] - overall[j]
                    variance[j] += scatter[label * d * d + j * d + j] + size * shift * shift
                }
            }
            let denominator = Double(max(n - 1, 1))
            for label in 0..<c {
                for j in 0..<d {
                    priorMeans[label * d + j] = overall[j]
                    priorScales[label * d + j] = variance[j] / denominator
                }
            }
        case .perLabel:
            for label in 0..<c {
                let denominator = Double(max(counts[label] - 1, 1))
                for j in 0..<d {
                    priorMeans[label * d + j] = classMeans[label * d + j]
                    priorScales[label * d + j] = scatter[label * d * d + j * d + j] / denominator
                }
            }
        }

        let k0 = priorMeanStrength
        let nu0 = Double(d + 2)
        var means = [Double](repeating: 0, count: c * d)
        var ridges = [Double](repeating: 0, count: c)
        for label in 0..<c {
            let size = Double(counts[label])
            for j in 0..<d {
                means[label * d + j] = (k0 * priorMeans[label * d + j] + size * classMeans[label * d + j]) / (k0 + size)
            }
            // Σ* = (Λ₀ + S) / (ν₀ + N + D + 2)
            let scale = 1 / (nu0 + size + Double(d) + 2)
            scatter.withUnsafeMutableBufferPointer { all in
                let sigma = all.baseAddress! + label * d * d
                for j in 0..<d { sigma[j * d + j] += priorScales[label * d + j] }
                for i in 0..<(d * d) { sigma[i] *= scale }
                ridges[label] = makePositiveDefinite(sigma, size: d)
            }
        }
        return GaussianProbe(classCount: c, featureCount: d, means: means, covariances: scatter,
                             prior: counts.map { Double($0) / Double(n) }, classSizes: counts,
                             ridges: ridges, priorKind: prior)
    }

    /// A probe from explicit parameters (for tests and for probes saved elsewhere).
    ///
    /// - Parameters:
    ///   - means: [classes, features]
    ///   - covariances: [classes, features, features], each symmetric positive definite
    ///   - prior: label probabilities; a label with probability 0 is never predicted
    public init(classCount: Int, featureCount: Int, means: [Double], covariances: [Double], prior: [Double],
                classSizes: [Int]? = nil, ridges: [Double]? = nil, priorKind: Prior = .pooled) {
        precondition(means.count == classCount * featureCount,
                     "GaussianProbe: \(means.count) mean entries for \(classCount)×\(featureCount)")
        precondition(covariances.count == classCount * featureCount * featureCount,
                     "GaussianProbe: \(covariances.count) covariance entries for \(classCount)×\(featureCount)²")
        precondition(prior.count == classCount, "GaussianProbe: \(prior.count) prior entries for \(classCount) classes")
        self.classCount = classCount
        self.featureCount = featureCount
        self.means = means
        self.covariances = covariances
        self.prior = prior
        self.classSizes = classSizes ?? prior.map { $0 > 0 ? 1 : 0 }
        self.ridges = ridges ?? [Double](repeating: 0, count: classCount)
        self.priorKind = priorKind
    }

    /// Whether every parameter is finite: false for a probe fitted on NaN or infinite features,
    /// whose evaluations are NaN (rankings and probes on such data end at once instead of looping).
    public var isFinite: Bool {
        ridges.allSatisfy(\.isFinite) && means.allSatisfy(\.isFinite) && covariances.allSatisfy(\.isFinite)
    }

    /// Whether a label had training examples (labels without any are never predicted).
    public func isTrained(_ label: Int) -> Bool { prior[label] > 0 }

    /// μ*[label, neuron].
    public func mean(label: Int, neuron: Int) -> Double { means[label * featureCount + neuron] }

    /// Σ*[label][i, j].
    public func covariance(label: Int, _ i: Int, _ j: Int) -> Double {
        covariances[label * featureCount * featureCount + i * featureCount + j]
    }

    /// Entropy of the label prior, in nats.
    public var priorEntropy: Double { Self.entropy(prior) }

    /// −Σ p log p of a distribution (terms with p = 0 count 0), in nats.
    static func entropy(_ probabilities: [Double]) -> Double {
        var sum = 0.0
        for p in probabilities where p > 0 { sum -= p * Foundation.log(p) }
        return sum
    }
}
