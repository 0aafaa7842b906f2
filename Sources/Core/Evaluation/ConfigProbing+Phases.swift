import Foundation
import Corpora
import Kernels
import Support
import Probing
import Storage
import Statistics

/// One config's probing in three phases, so that a caller can answer from the rankings while the
/// curves are computed (the REPL, through ``ProbingJob``):
///
/// 1. ``ConfigProbing/rank(_:dataset:store:layers:)``: the rows, the rankings and both probes on all
///    neurons (seconds);
/// 2. ``ConfigProbing/curve(_:_:neuronCounts:)``: one ranking × classifier curve, on every k of the
///    settings or on some of them (each k is a fresh probe, so a curve computed in parts is the
///    same curve: ``AccuracyCurve/joined(_:neuronCounts:)``);
/// 3. ``ConfigProbing/result(_:curves:withDurrani:log:)``: Durrani et al.'s analyses and the result.
///
/// ``ConfigProbing/result(for:dataset:store:layers:withDurrani:log:)`` runs them in a row, so a
/// result made in phases is the one a study caches.
extension ConfigProbing {
    /// A config whose rankings are known: what `top` and `overlap` read, and where the curves start.
    public struct RankedConfig: @unchecked Sendable {
        public let config: ProbingConfig
        /// The result without curves and without Durrani's analyses (those come with ``ConfigProbing/result(_:curves:withDurrani:log:)``).
        public let partial: ConfigResult
        /// The rankings the curves are drawn for: each (and, but for Random, its bottom-to-top).
        public let evaluated: [NeuronRanking]
        /// The curves to draw, in the result's order: each ranking (and, but for Random, its
        /// bottom-to-top) × each classifier.
        public let combinations: [(ranking: NeuronRanking, classifier: ProbeKind)]
        /// The k of every curve.
        public var neuronCounts: [Int] { evaluator.neuronCounts }

        let data: ProbingData
        let control: ProbingData
        let evaluator: ProbingEvaluator
        let testLinearAccuracy: Double
        let started: Date
    }

    /// Phase 1: the config's rows and control task, its rankings, and both probes on all neurons.
    public func rank(_ config: ProbingConfig, dataset: AttributeDataset, store: any ActivationRows, layers: [Int]) throws -> RankedConfig {
        let started = Date()
        let data = try StageClock.measure(.probingRows) { try ProbingData.load(store: store, dataset: dataset, layers: layers) }
        let (controlTask, control) = StageClock.measure(.probingControlTask) {
            let controlTask = dataset.controlTask(settings.control, seed: settings.controlSeed)
            return (controlTask, relabel(data, with: controlTask, store: store))
        }
        let d = data.neuronCount
        BLAS.beginSingleThreaded()   // many small probes: the cores go to parallel k instead
        defer { BLAS.endSingleThreaded() }
        let (fullLinear, evaluator) = startingProbes(data: data, control: settings.selectivity ? control : nil)
        let ranked = NeuronRankings(settings.rankings, train: data.train, selection: data[settings.gaussianSelection],
                                    classCount: data.classCount, gaussianNeurons: settings.gaussianNeurons,
                                    randomSeed: settings.randomSeed, linearProbe: { fullLinear }, gaussianProbe: evaluator.gaussianProbe)
        let (rankings, probeless) = (ranked.rankings, ranked.probeless)
        let evaluated = ranked.withBottomToTop
        let combinations = evaluated.flatMap { ranking in settings.classifiers.map { (ranking: ranking, classifier: $0) } }
        let test = data.test
        let fullGaussian = StageClock.measure(.gaussianOnAllNeurons) {
            evaluator.gaussianProbe.evaluate(features: test.features, labels: test.labels, neurons: Array(0..<d)).accuracy
        }
        let testLinear = fullLinear.accuracy(test.features, labels: test.labels)
        var rankingOrders = Dictionary(uniqueKeysWithValues: rankings.map { ($0.method.rawValue, $0.order) })
        rankingOrders[RankingMethod.linearWeightMass.rawValue] = LinearRanking.weightMass(fullLinear).order
        rankingOrders[RankingMethod.probeless.rawValue] = probeless.order
        var scores: [String: [Double]] = [:]
        for ranking in rankings + [probeless] { if let values = ranking.scores { scores[ranking.method.rawValue] = values } }
        var partial = ConfigResult(
            config: config, labels: data.labelNames,
            examples: SplitCounts(train: data.train.count, dev: data.dev.count, test: data.test.count),
            neuronCount: d, rankings: rankingOrders, gaussianMutualInformation: ranked.gaussian?.mutualInformation ?? [],
            curves: [], durrani: nil,
            fullAccuracy: ["linear": testLinear, "gaussian": fullGaussian],
            provenance: ResultProvenance(
                origin: store.origin, dataset: dataset.provenance, settings: settings, files: dataset.provenance.files,
                controlTask: controlTask.provenance.controlTask.map(String.init(describing:)) ?? "none"))
        partial.rankingScores = scores
        return RankedConfig(config: config, partial: partial, evaluated: evaluated, combinations: combinations, data: data, control: control,
                            evaluator: evaluator, testLinearAccuracy: testLinear, started: started)
    }

    /// Phase 2: the curve of combination `index` of a ranked config, on `neuronCounts` (a subset of
    /// ``RankedConfig/neuronCounts``, in its order) or on all of them.
    public func curve(_ ranked: RankedConfig, _ index: Int, neuronCounts: [Int]? = nil) -> AccuracyCurve {
        var evaluator = ranked.evaluator
        if let neuronCounts {
            precondition(Set(neuronCounts).isSubset(of: evaluator.neuronCounts), "k \(neuronCounts) beyond the config's \(evaluator.neuronCounts)")
            evaluator.neuronCounts = neuronCounts
        }
        BLAS.beginSingleThreaded()
        defer { BLAS.endSingleThreaded() }
        let combination = ranked.combinations[index]
        return evaluator.curve(combination.ranking, classifier: combination.classifier)
    }

    /// Phase 3: the config's result, with its curves (in the order of ``RankedConfig/combinations``).
    public func result(_ ranked: RankedConfig, curves: [AccuracyCurve], withDurrani: Bool, log: (String) -> Void) -> ConfigResult {
        precondition(curves.count == ranked.combinations.count, "\(curves.count) curves for \(ranked.combinations.count) combinations")
        BLAS.beginSingleThreaded()
        defer { BLAS.endSingleThreaded() }
        let data = ranked.data
        let durrani = settings.durrani.flatMap { durraniSettings -> DurraniSummary? in
            guard withDurrani else { return nil }
            var analysis = DurraniAnalysis(settings: durraniSettings)
            analysis.schedule = schedule
            return analysis.summarize(data, control: ranked.control)
        }
        let seconds = Date().timeIntervalSince(ranked.started)
        log(String(format: "%@: %d neurons, %d/%d/%d examples, linear %.3f, gaussian %.3f (%.0f s)", ranked.config.name, data.neuronCount,
                   data.train.count, data.dev.count, data.test.count,
                   ranked.testLinearAccuracy, ranked.partial.fullAccuracy["gaussian"] ?? .nan, seconds))
        var result = ranked.partial
        result.curves = curves
        result.durrani = durrani
        result.provenance.created = ISO8601DateFormatter().string(from: Date())
        result.provenance.seconds = seconds
        return result
    }
}

extension AccuracyCurve {
    /// One curve from parts computed on different k (coarse first, then the rest), in the order of
    /// `neuronCounts`: nil while some k is in no part, or, when `partial`, the curve on the k
    /// computed so far (nil before any).
    public static func joined(_ parts: [AccuracyCurve], neuronCounts: [Int], partial: Bool = false) -> AccuracyCurve? {
        guard let first = parts.first else { return nil }
        var accuracy: [Int: Double] = [:], control: [Int: Double] = [:]
        for part in parts {
            precondition(part.combination == first.combination, "parts of \(first.combination) and \(part.combination)")
            for (i, k) in part.neuronCounts.enumerated() {
                accuracy[k] = part.accuracy[i]
                if let values = part.controlAccuracy { control[k] = values[i] }
            }
        }
        let counts = neuronCounts.filter { accuracy[$0] != nil }
        guard partial ? !counts.isEmpty : counts.count == neuronCounts.count else { return nil }
        return AccuracyCurve(classifier: first.classifier, ranking: first.ranking, neuronCounts: counts,
                             accuracy: counts.map { accuracy[$0]! },
                             controlAccuracy: first.controlAccuracy == nil ? nil : counts.map { control[$0]! })
    }
}
