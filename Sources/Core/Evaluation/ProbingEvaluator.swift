import Foundation
import Kernels
import Support
import Probing

/// Evaluates rankings by the test accuracy of a classifier on their top-k neurons (Antverg §3):
/// a fresh linear probe retrained on the k neurons, or the Gaussian probe's marginal on them.
public struct ProbingEvaluator: Sendable {
    /// The k of a curve by default: every k = 1…150, as Antverg & Belinkov's figures.
    public static let defaultNeuronCounts = Array(1...GaussianRanking.defaultMaxNeurons)

    /// How the probes of many curves are laid out on the cores. Both train the same fresh linear probe
    /// for every k and read the same Gaussian marginals; they differ in what is computed once.
    public enum Schedule: String, Sendable, CaseIterable {
        /// As before issue 18: one curve at a time, its k values in parallel; the Gaussian probe
        /// factorised from scratch for every k; the task and the control probe each gather their columns.
        case reference
        /// Every curve's work in one queue, costliest first; a ranking's Gaussian curve from one
        /// factorisation of its top K (``GaussianProbe/prefixEvaluations(features:labels:order:counts:)``);
        /// the task and the control probe of a k from one gather of the columns.
        case shared
    }

    public var data: ProbingData
    /// The same rows with control-task labels, for selectivity; nil to skip.
    public var control: ProbingData?
    public var linearSettings: LinearProbeSettings
    /// The k values of the curves (default 1…150, capped at the neuron count).
    public var neuronCounts: [Int]
    public var schedule: Schedule = .shared

    private let gaussian: GaussianProbe
    private let controlGaussian: GaussianProbe?
    /// Whether the control rows are the task's rows (a relabelling), so one gather serves both.
    private let controlSharesFeatures: Bool

    /// Fits the Gaussian probes on the training split (task and control side by side on the cores
    /// when OpenBLAS runs single-threaded; each fit is the same either way).
    public init(data: ProbingData, control: ProbingData? = nil, linearSettings: LinearProbeSettings = .pitfalls,
                neuronCounts: [Int]? = nil, gaussianPrior: GaussianProbe.Prior = .perLabel) {
        let sources = [data] + (control.map { [$0] } ?? [])
        let fit: @Sendable (Int) -> GaussianProbe = { index in
            StageClock.measure(index == 0 ? .gaussianFit : .controlGaussianFit) {
                GaussianProbe.fit(features: sources[index].train.features, labels: sources[index].train.labels,
                                  classCount: sources[index].classCount, prior: gaussianPrior)
            }
        }
        let probes = BLAS.threadCount == 1 ? Parallel.map(sources.count, fit) : sources.indices.map(fit)
        self.init(data: data, control: control, linearSettings: linearSettings, neuronCounts: neuronCounts,
                  gaussian: probes[0], controlGaussian: probes.count > 1 ? probes[1] : nil)
    }

    /// With Gaussian probes already fitted on `data`'s and `control`'s training splits.
    public init(data: ProbingData, control: ProbingData? = nil, linearSettings: LinearProbeSettings = .pitfalls,
                neuronCounts: [Int]? = nil, gaussian: GaussianProbe, controlGaussian: GaussianProbe?) {
        precondition((control == nil) == (controlGaussian == nil), "ProbingEvaluator: a control task needs its Gaussian probe")
        self.data = data
        self.control = control
        self.linearSettings = linearSettings
        self.neuronCounts = (neuronCounts ?? Self.defaultNeuronCounts).filter { $0 >= 1 && $0 <= data.neuronCount }
        self.gaussian = gaussian
        self.controlGaussian = controlGaussian
        controlSharesFeatures = control.map {
            $0.train.features.shape == data.train.features.shape && $0.test.features.shape == data.test.features.shape
                && $0.train.features.scalars == data.train.features.scalars && $0.test.features.scalars == data.test.features.scalars
        } ?? false
    }

    /// The Gaussian probe fitted on all neurons of the training split (also used for the ranking).
    public var gaussianProbe: GaussianProbe { gaussian }

    /// The Gaussian probe fitted on the control task's training split, when there is one.
    public var controlGaussianProbe: GaussianProbe? { controlGaussian }

    /// One curve: accuracy on test (and on the control task) for each k.
    public func curve(_ ranking: NeuronRanking, classifier: ProbeKind) -> AccuracyCurve {
        curves([ranking], classifiers: [classifier])[0]
    }

    /// Every ranking's curve with every classifier, ranking by ranking (classifiers in the given order).
    ///
    /// - Parameters:
    ///   - progress: called after each piece of work with the curve points (one ranking, classifier
    ///     and k, task and control) it finished, from any thread
    ///   - finished: called with each curve as soon as all its k are done, from any thread
    public func curves(_ rankings: [NeuronRanking], classifiers: [ProbeKind],
                       progress: (@Sendable (Int) -> Void)? = nil,
                       finished: (@Sendable (AccuracyCurve) -> Void)? = nil) -> [AccuracyCurve] {
        switch schedule {
        case .reference: referenceCurves(rankings, classifiers: classifiers, progress: progress, finished: finished)
        case .shared: sharedCurves(rankings, classifiers: classifiers, progress: progress, finished: finished)
        }
    }

    // MARK: Reference schedule

    private func referenceCurves(_ rankings: [NeuronRanking], classifiers: [ProbeKind], progress: (@Sendable (Int) -> Void)?,
                                 finished: (@Sendable (AccuracyCurve) -> Void)?) -> [AccuracyCurve] {
        var curves: [AccuracyCurve] = []
        for ranking in rankings {
            for classifier in classifiers {
                let counts = neuronCounts
                let scores = Parallel.map(counts.count) { index -> (Double, Double?) in
                    let neurons = ranking.top(counts[index])
                    let task = score(data, neurons: neurons, classifier: classifier, gaussian: gaussian)
                    let controlScore = control.map { score($0, neurons: neurons, classifier: classifier, gaussian: controlGaussian!) }
                    return (task, controlScore)
                }
                curves.append(AccuracyCurve(classifier: classifier, ranking: ranking.name, neuronCounts: counts,
                                            accuracy: scores.map(\.0),
                                            controlAccuracy: control == nil ? nil : scores.compactMap(\.1)))
                finished?(curves[curves.count - 1])
                progress?(counts.count)
            }
        }
        return curves
    }

    private func score(_ data: ProbingData, neurons: [Int], classifier: ProbeKind, gaussian: GaussianProbe) -> Double {
        switch classifier {
        case .linear:
            return StageClock.measure(.linearProbe(k: neurons.count)) {
                let probe = LinearProbe.train(features: data.train.features.selectingColumns(neurons), labels: data.train.labels,
                                              classCount: data.classCount, settings: linearSettings)
                return probe.accuracy(data.test.features.selectingColumns(neurons), labels: data.test.labels)
            }
        case .gaussian:
            return StageClock.measure(.gaussianProbe(k: neurons.count)) {
                gaussian.evaluate(features: data.test.features, labels: data.test.labels, neurons: neurons).accuracy
            }
        }
    }

    // MARK: Shared schedule

    /// One piece of work: a Gaussian curve (task and control, every k), or the linear probes of one k.
    private enum Piece {
        case gaussian(curve: Int)
        case linear(curve: Int, countIndex: Int)
    }

    private func sharedCurves(_ rankings: [NeuronRanking], classifiers: [ProbeKind], progress: (@Sendable (Int) -> Void)?,
                              finished: (@Sendable (AccuracyCurve) -> Void)?) -> [AccuracyCurve] {
        let counts = neuronCounts
        let layout = rankings.flatMap { ranking in classifiers.map { (ranking, $0) } }
        var work: [(piece: Piece, cost: Double)] = []
        let c = Double(data.classCount), trainRows = Double(data.train.count), testRows = Double(data.test.count)
        let sides = control == nil ? 1.0 : 2.0
        for (curve, (_, classifier)) in layout.enumerated() {
            switch classifier {
            case .gaussian:
                // One dtrsm of width K per label and example; counted as twice a float multiply-add.
                let k = Double(counts.max() ?? 0)
                work.append((.gaussian(curve: curve), sides * c * testRows * (k * k / 2 + k) * 2))
            case .linear:
                for (index, k) in counts.enumerated() {
                    // Two products of [batch, k] × [k, classes] per example and epoch, plus the per-step work.
                    let perExample = 4 * c * Double(k) + 16 * c
                    work.append((.linear(curve: curve, countIndex: index), sides * Double(linearSettings.epochs) * trainRows * perExample))
                }
            }
        }
        let pieces = work.sorted { $0.cost > $1.cost }
        let results = CurveSlots(curves: layout.count, counts: counts.count)
        Parallel.drain(pieces.count, workers: ProcessorCores.available) { index in
            var completed = false
            switch pieces[index].piece {
            case .gaussian(let curve):
                let ranking = layout[curve].0
                let task = StageClock.measure(.gaussianCurve) {
                    gaussian.prefixEvaluations(features: data.test.features, labels: data.test.labels, order: ranking.order, counts: counts)
                }
                let controlScores = control.map { control in
                    StageClock.measure(.gaussianCurve) {
                        controlGaussian!.prefixEvaluations(features: control.test.features, labels: control.test.labels,
                                                           order: ranking.order, counts: counts)
                    }
                }
                for index in counts.indices {
                    completed = results.set(curve: curve, countIndex: index, task: task[index].accuracy,
                                            control: controlScores?[index].accuracy)
                }
                if completed, let finished { finished(makeCurve(layout[curve], results.values(of: curve))) }
            case .linear(let curve, let countIndex):
                let neurons = layout[curve].0.top(counts[countIndex])
                let (task, controlScore) = StageClock.measure(.linearProbe(k: neurons.count)) { linearScores(neurons) }
                completed = results.set(curve: curve, countIndex: countIndex, task: task, control: controlScore)
                if completed, let finished { finished(makeCurve(layout[curve], results.values(of: curve))) }
            }
            if case .gaussian = pieces[index].piece { progress?(counts.count) } else { progress?(1) }
            return !Interruption.requested
        }
        return layout.indices.map { makeCurve(layout[$0], results.values(of: $0)) }
    }

    private func makeCurve(_ entry: (NeuronRanking, ProbeKind), _ values: (task: [Double], control: [Double])) -> AccuracyCurve {
        AccuracyCurve(classifier: entry.1, ranking: entry.0.name, neuronCounts: neuronCounts, accuracy: values.task,
                      controlAccuracy: control == nil ? nil : values.control)
    }

    /// Fresh linear probes on `neurons` for the task and, when there is one, the control task; the
    /// columns gathered once when the control rows are the task's, and then both probes trained in
    /// lockstep when their labels number the same (``LinearProbe/train(features:labelSets:classCount:settings:)``:
    /// each probe the same bit for bit).
    private func linearScores(_ neurons: [Int]) -> (Double, Double?) {
        let train = data.train.features.selectingColumns(neurons)
        let test = data.test.features.selectingColumns(neurons)
        func accuracy(_ data: ProbingData, _ train: Tensor, _ test: Tensor) -> Double {
            LinearProbe.train(features: train, labels: data.train.labels, classCount: data.classCount, settings: linearSettings)
                .accuracy(test, labels: data.test.labels)
        }
        if let control, controlSharesFeatures, control.classCount == data.classCount {
            let probes = LinearProbe.train(features: train, labelSets: [data.train.labels, control.train.labels],
                                           classCount: data.classCount, settings: [linearSettings, linearSettings])
            return (probes[0].accuracy(test, labels: data.test.labels), probes[1].accuracy(test, labels: control.test.labels))
        }
        let task = accuracy(data, train, test)
        guard let control else { return (task, nil) }
        if controlSharesFeatures { return (task, accuracy(control, train, test)) }
        return (task, accuracy(control, control.train.features.selectingColumns(neurons), control.test.features.selectingColumns(neurons)))
    }
}

/// The accuracies of many curves as their pieces finish on the workers.
private final class CurveSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var task: [[Double]]
    private var control: [[Double]]
    private var remaining: [Int]

    init(curves: Int, counts: Int) {
        task = Array(repeating: Array(repeating: .nan, count: counts), count: curves)
        control = task
        remaining = Array(repeating: counts, count: curves)
    }

    /// Stores one k's accuracies. - Returns: whether that was the curve's last k.
    func set(curve: Int, countIndex: Int, task value: Double, control controlValue: Double?) -> Bool {
        lock.lock(); defer { lock.unlock() }
        task[curve][countIndex] = value
        if let controlValue { control[curve][countIndex] = controlValue }
        remaining[curve] -= 1
        return remaining[curve] == 0
    }

    func values(of curve: Int) -> (task: [Double], control: [Double]) {
        lock.lock(); defer { lock.unlock() }
        return (task[curve], control[curve])
    }
}
