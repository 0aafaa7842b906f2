import Kernels
/// The greedy ranking as the reference code runs it (`Gaussian.py` `greedy_selection`): every
/// candidate of every step is evaluated from scratch with a fresh Cholesky factor of Σ[F∪{d}].
extension GaussianRanking {
    /// The same selection as ``rank(probe:features:labels:maxNeurons:strategy:progress:)``, refitting
    /// every candidate: O(D·labels·N·k²) per step. For tests and the benchmark.
    public static func naive(probe: GaussianProbe, features: Tensor, labels: [Int], maxNeurons: Int = defaultMaxNeurons,
                             progress: ((Int) -> Void)? = nil) -> GaussianRankingResult {
        let (kept, keptLabels) = trainedExamples(probe: probe, features: features, labels: labels)
        let steps = min(max(maxNeurons, 0), probe.featureCount)
        var order: [Int] = [], information: [Double] = [], accuracy: [Double] = []
        var selected = [Bool](repeating: false, count: probe.featureCount)
        guard kept.rows > 0 else { return GaussianRankingResult(order: [], mutualInformation: [], accuracy: []) }
        while order.count < steps {
            var best: (neuron: Int, evaluation: GaussianEvaluation)?
            for neuron in 0..<probe.featureCount where !selected[neuron] {
                guard let scores = probe.logJoint(features: kept, neurons: order + [neuron],
                                                  minimumRelativePivot: minimumConditionalVariance) else { continue }
                let evaluation = GaussianEvaluation(logJoint: scores, labels: keptLabels, classCount: probe.classCount)
                if best == nil || evaluation.mutualInformation > best!.evaluation.mutualInformation {
                    best = (neuron, evaluation)
                }
            }
            guard let best else { break }
            selected[best.neuron] = true
            order.append(best.neuron)
            information.append(best.evaluation.mutualInformation)
            accuracy.append(best.evaluation.accuracy)
            progress?(order.count)
        }
        return GaussianRankingResult(order: order, mutualInformation: information, accuracy: accuracy)
    }
}
