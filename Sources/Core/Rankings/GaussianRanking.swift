import Foundation
import Kernels

/// Greedy forward selection of neurons by the Gaussian probe's mutual information
/// (Torroba Hennigen et al. 2020 §4; Antverg & Belinkov 2022 §2.1, `Gaussian.py` `greedy_selection`).
///
/// Start with F = ∅; at each step add the neuron d ∉ F that maximises the mutual information of the
/// probe restricted to F ∪ {d} on the evaluation split (dev in the Pitfalls code, train in NeuroX's
/// port — the caller picks by what it passes). Ties go to the lower neuron index, as in `Gaussian.py`.
///
/// ``rank(probe:features:labels:maxNeurons:strategy:progress:)`` is incremental: per label it keeps
/// the Cholesky factor L of Σ[F,F] as the matrix L⁻¹Σ[F, :] (one new row per step) and, per example,
/// the running ‖L⁻¹(x_F − μ_F)‖² and log det Σ[F,F]. Adding candidate d extends L by the row
/// (lᵀ, δ) with l = L⁻¹Σ[F,d] and δ² = Σ[d,d] − ‖l‖², and the example's new whitened coordinate is
/// (x_d − μ_d − l·L⁻¹(x_F − μ_F))/δ, so every candidate is scored for all examples at once.
/// ``naive(probe:features:labels:maxNeurons:progress:)`` refits every candidate from scratch, as the
/// reference code does, and exists to check and time the incremental search.
public enum GaussianRanking {
    /// How many neurons the greedy selection picks by default: Antverg & Belinkov's curves go to k = 150.
    public static let defaultMaxNeurons = 150

    /// How the incremental search keeps x_d − μ_d − l·L⁻¹(x_F − μ_F) for all examples and candidates.
    public enum Strategy: Sendable, Hashable {
        /// ``residuals`` when they fit in ``residualMemoryLimit``, else ``recompute``.
        case automatic
        /// Keep the residuals [labels, examples, neurons] and apply one rank-1 update per step:
        /// O(labels·examples·neurons) work per step and memory.
        case residuals
        /// Keep the whitened examples [labels, examples, k] and recompute the residuals per step in
        /// row blocks with a GEMM ([examples, k] × [k, neurons]): O(labels·examples·k + labels·k·neurons)
        /// memory, O(labels·examples·k·neurons) work per step. The GEMMs run on the search's own
        /// threads, with OpenBLAS set to one thread for the duration of the search.
        case recompute
    }

    /// Largest residual store (bytes) that ``Strategy/automatic`` keeps in memory.
    public static let residualMemoryLimit = 512 << 20

    /// A candidate whose conditional variance δ² = Σ[d,d] − ‖l‖² is below this fraction of Σ[d,d]
    /// (for some label) adds no new direction to F and is skipped (both searches).
    public static let minimumConditionalVariance = 1e-10

    /// The greedy ranking with an already fitted probe.
    ///
    /// - Parameters:
    ///   - probe: the Gaussian probe, fitted on the training split
    ///   - features: [examples, probe.featureCount] of the split that scores candidates
    ///   - labels: true label per example. Examples whose label had no training example are left
    ///     out (their log-posterior is −∞ for every subset).
    ///   - maxNeurons: stop after this many neurons (or when all are chosen)
    ///   - strategy: how residuals are kept (the result does not depend on it)
    ///   - progress: called after each step with the number of neurons chosen so far
    public static func rank(probe: GaussianProbe, features: Tensor, labels: [Int], maxNeurons: Int = defaultMaxNeurons,
                            strategy: Strategy = .automatic,
                            progress: ((Int) -> Void)? = nil) -> GaussianRankingResult {
        let steps = min(max(maxNeurons, 0), probe.featureCount)
        let search = IncrementalSearch(probe: probe, features: features, labels: labels, maxNeurons: steps, strategy: strategy)
        // `.recompute` calls dgemm from its own worker threads: OpenBLAS must not start threads too.
        let singleThreaded = !search.useResiduals && search.threads > 1
        if singleThreaded { BLAS.beginSingleThreaded() }
        defer { if singleThreaded { BLAS.endSingleThreaded() } }
        var order: [Int] = [], information: [Double] = [], accuracy: [Double] = []
        while order.count < steps, let step = search.step() {
            order.append(step.neuron)
            information.append(step.mutualInformation)
            accuracy.append(step.accuracy)
            progress?(order.count)
        }
        return GaussianRankingResult(order: order, mutualInformation: information, accuracy: accuracy)
    }

    /// Fits the probe on the training split, then ranks on the evaluation split.
    ///
    /// - Parameters:
    ///   - trainFeatures: [train examples, neurons]; `trainLabels` in 0..<classCount
    ///   - features: [examples, neurons] of the split that scores candidates (dev for Pitfalls)
    public static func rank(trainFeatures: Tensor, trainLabels: [Int], classCount: Int,
                            features: Tensor, labels: [Int], maxNeurons: Int = defaultMaxNeurons,
                            prior: GaussianProbe.Prior = .perLabel,
                            progress: ((Int) -> Void)? = nil) -> GaussianRankingResult {
        let probe = GaussianProbe.fit(features: trainFeatures, labels: trainLabels, classCount: classCount, prior: prior)
        return rank(probe: probe, features: features, labels: labels, maxNeurons: maxNeurons, progress: progress)
    }

    /// Rows whose label the probe was trained on, as (features, labels).
    static func trainedExamples(probe: GaussianProbe, features: Tensor, labels: [Int]) -> (Tensor, [Int]) {
        precondition(labels.count == features.rows, "GaussianRanking: \(labels.count) labels for \(features.rows) examples")
        precondition(features.columns == probe.featureCount,
                     "GaussianRanking: features have \(features.columns) neurons, the probe \(probe.featureCount)")
        precondition(labels.allSatisfy { (0..<probe.classCount).contains($0) }, "GaussianRanking: labels outside 0..<\(probe.classCount)")
        let keep = labels.indices.filter { probe.isTrained(labels[$0]) }
        if keep.count == labels.count { return (features, labels) }
        return (features.selectingRows(keep), keep.map { labels[$0] })
    }
}
