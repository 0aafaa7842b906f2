import Foundation
import Support
import Probing

/// Evaluates rankings by the test accuracy of a classifier on their top-k neurons (Antverg §3):
/// a fresh linear probe retrained on the k neurons, or the Gaussian probe's marginal on them.
public struct ProbingEvaluator: Sendable {
    public var data: ProbingData
    /// The same rows with control-task labels, for selectivity; nil to skip.
    public var control: ProbingData?
    public var linearSettings: LinearProbeSettings
    /// The k values of the curves (default 1…150, capped at the neuron count).
    public var neuronCounts: [Int]

    private let gaussian: GaussianProbe
    private let controlGaussian: GaussianProbe?

    public init(data: ProbingData, control: ProbingData? = nil, linearSettings: LinearProbeSettings = .pitfalls,
                neuronCounts: [Int]? = nil, gaussianPrior: GaussianProbe.Prior = .perLabel) {
        self.data = data
        self.control = control
        self.linearSettings = linearSettings
        self.neuronCounts = (neuronCounts ?? Array(1...150)).filter { $0 >= 1 && $0 <= data.neuronCount }
        gaussian = GaussianProbe.fit(features: data.train.features, labels: data.train.labels, classCount: data.classCount,
                                     prior: gaussianPrior)
        controlGaussian = control.map {
            GaussianProbe.fit(features: $0.train.features, labels: $0.train.labels, classCount: $0.classCount, prior: gaussianPrior)
        }
    }

    /// The Gaussian probe fitted on all neurons of the training split (also used for the ranking).
    public var gaussianProbe: GaussianProbe { gaussian }

    /// One curve: accuracy on test (and on the control task) for each k.
    public func curve(_ ranking: NeuronRanking, classifier: ProbeKind) -> AccuracyCurve {
        let counts = neuronCounts
        let scores = Parallel.map(counts.count) { index -> (Double, Double?) in
            let neurons = ranking.top(counts[index])
            let task = score(data, neurons: neurons, classifier: classifier, gaussian: gaussian)
            let controlScore = control.map { score($0, neurons: neurons, classifier: classifier, gaussian: controlGaussian!) }
            return (task, controlScore)
        }
        let accuracy = scores.map(\.0)
        let controlAccuracy = scores.compactMap(\.1)
        return AccuracyCurve(classifier: classifier, ranking: ranking.name, neuronCounts: counts, accuracy: accuracy,
                             controlAccuracy: control == nil ? nil : controlAccuracy)
    }

    private func score(_ data: ProbingData, neurons: [Int], classifier: ProbeKind, gaussian: GaussianProbe) -> Double {
        switch classifier {
        case .linear:
            let probe = LinearProbe.train(features: data.train.features.selectingColumns(neurons), labels: data.train.labels,
                                          classCount: data.classCount, settings: linearSettings)
            return probe.accuracy(data.test.features.selectingColumns(neurons), labels: data.test.labels)
        case .gaussian:
            return gaussian.evaluate(features: data.test.features, labels: data.test.labels, neurons: neurons).accuracy
        }
    }
}
