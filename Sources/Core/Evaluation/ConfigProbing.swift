import Foundation
import Corpora
import Kernels
import Support
import Probing
import Storage

/// Probes one config (a language's attribute at a layer) as Antverg & Belinkov 2022 §3 do: the
/// rankings, each evaluated by two classifiers on its top-k neurons for every k, selectivity against a
/// control task, and optionally Durrani et al.'s analyses. Each result is cached by the hash of its
/// inputs and settings, so a study that meets the same config again reads it back.
public struct ConfigProbing: Sendable {
    /// What shapes a config's result (the study chooses the configs themselves).
    public struct Settings: Sendable, Codable, Hashable {
        public var model: String
        /// Rankings whose curves are drawn (the others may still be computed for overlaps).
        public var rankings: [RankingMethod] = [.linear, .gaussian, .probeless, .random]
        public var classifiers: [ProbeKind] = ProbeKind.allCases
        /// Evaluate every curve on the control task too.
        public var selectivity = true
        public var neuronCounts: [Int] = Array(1...150)
        /// How many neurons the greedy Gaussian ranking selects (the bottom-to-top Gaussian curve needs all).
        public var gaussianNeurons: Int = 150
        public var linear: LinearProbeSettings = .pitfalls
        public var control: ControlTask.Sampler = .uniform
        public var controlSeed: UInt64 = 1
        public var randomSeed: UInt64 = 1
        public var splitSeed: UInt64 = 0
        public var minTypes: Int = 100
        /// The Gaussian probe's NIW prior (per label, as the Pitfalls and NeuroX code; or pooled).
        public var gaussianPrior: GaussianProbe.Prior = .perLabel
        /// Split on which the Gaussian ranking maximises mutual information (Pitfalls: dev; NeuroX: train).
        public var gaussianSelection: DataSplit = .dev
        /// Durrani et al.'s analyses (λ search, ablation, minimal sets, distributions); nil to skip.
        public var durrani: DurraniAnalysis.Settings? = DurraniAnalysis.Settings()

        public init(model: String) {
            self.model = model
        }
    }

    public var settings: Settings
    /// Where config results are cached.
    public var resultCache: URL

    public init(settings: Settings, resultCache: URL) {
        self.settings = settings
        self.resultCache = resultCache
    }

    /// The result of one config: read from the result cache when an earlier run computed it with
    /// the same inputs and settings and its checksum holds, else computed and stored
    /// (``CachedResult``: atomically, once among processes).
    ///
    /// - Parameters:
    ///   - layers: the hidden states whose neurons are probed side by side (one for a single layer)
    ///   - withDurrani: run Durrani et al.'s analyses on this config
    /// - Returns: the result and whether it came from the cache.
    public func result(for config: ProbingConfig, dataset: AttributeDataset, store: any ActivationRows, layers: [Int],
                       withDurrani: Bool, log: (String) -> Void) throws -> (result: ConfigResult, cached: Bool) {
        let cached = cacheFile(for: config, dataset: dataset, store: store, withDurrani: withDurrani)
        let (result, wasCached) = try CachedResult.value(at: cached, log: log) {
            let started = Date()
            let control = dataset.controlTask(settings.control, seed: settings.controlSeed)
            let data = try ProbingData.load(store: store, dataset: dataset, layers: layers)
            let controlData = relabel(data, with: control, store: store)
            return try evaluate(config, data: data, control: controlData, store: store, dataset: dataset,
                                controlTask: control, withDurrani: withDurrani, started: started, log: log)
        }
        return (result, wasCached)
    }

    /// Where the result of a config is cached: named by the hash of everything that shapes it.
    public func cacheFile(for config: ProbingConfig, dataset: AttributeDataset, store: any ActivationRows, withDurrani: Bool) -> URL {
        // The activations by what makes them (model, corpus, word vectors), not by which cache folder
        // holds them: a wider extraction with the same layer gives the same key.
        let key = ContentHash.combine(store.contentKey + [String(describing: dataset.provenance),
                                       settings.configDigest, config.identifier, BuildInfo.version,
                                       "durrani:\(withDurrani)"])
        return resultCache.appendingPathComponent("\(config.identifier)-\(key).json")
    }

    private func relabel(_ data: ProbingData, with control: AttributeDataset, store: any ActivationRows) -> ProbingData {
        let labels = [DataSplit.train, .dev, .test].map { split in
            control.rows(for: split) { store.firstRow(fileName: $0, sentenceID: $1) }.labels
        }
        return data.relabeled(train: labels[0], dev: labels[1], test: labels[2], labelNames: control.labels)
    }

    /// Rankings and curves of one config.
    func evaluate(_ config: ProbingConfig, data: ProbingData, control: ProbingData, store: any ActivationRows,
                  dataset: AttributeDataset, controlTask: AttributeDataset, withDurrani: Bool, started: Date,
                  log: (String) -> Void) throws -> ConfigResult {
        let d = data.neuronCount
        let threads = BLAS.threadCount
        BLAS.setThreadCount(1)   // many small probes: the cores go to parallel k instead
        defer { BLAS.setThreadCount(threads) }
        let evaluator = ProbingEvaluator(data: data, control: settings.selectivity ? control : nil, linearSettings: settings.linear,
                                         neuronCounts: settings.neuronCounts, gaussianPrior: settings.gaussianPrior)
        let fullLinear = LinearProbe.train(features: data.train.features, labels: data.train.labels,
                                           classCount: data.classCount, settings: settings.linear)
        let probeless = ProbelessRanking.rank(features: data.train.features, labels: data.train.labels, classCount: data.classCount)
        var gaussian = GaussianRankingResult(order: [], mutualInformation: [], accuracy: [])
        var rankings: [NeuronRanking] = []
        for method in settings.rankings {
            switch method {
            case .linear: rankings.append(LinearRanking.meanAbsoluteWeight(fullLinear))
            case .linearWeightMass: rankings.append(LinearRanking.weightMass(fullLinear))
            case .probeless: rankings.append(probeless)
            case .random: rankings.append(RandomRanking.rank(neuronCount: d, seed: settings.randomSeed))
            case .gaussian:
                let selection = settings.gaussianSelection == .train ? data.train : (settings.gaussianSelection == .dev ? data.dev : data.test)
                gaussian = GaussianRanking.rank(probe: evaluator.gaussianProbe, features: selection.features, labels: selection.labels,
                                                maxNeurons: min(settings.gaussianNeurons, d))
                rankings.append(gaussian.completed(by: probeless))
            }
        }
        let evaluated = rankings.flatMap { $0.method == .random ? [$0] : [$0, $0.bottomToTop] }
        var curves: [AccuracyCurve] = []
        let bar = ProgressBar("  \(config.name)", total: evaluated.count * settings.classifiers.count, unit: "curves")
        for ranking in evaluated {
            for classifier in settings.classifiers {
                if Interruption.requested { throw CancellationError() }
                curves.append(evaluator.curve(ranking, classifier: classifier))
                bar.advance()
            }
        }
        bar.finish()
        let test = data.test
        let fullGaussian = evaluator.gaussianProbe.evaluate(features: test.features, labels: test.labels, neurons: Array(0..<d)).accuracy
        var rankingOrders = Dictionary(uniqueKeysWithValues: rankings.map { ($0.method.rawValue, $0.order) })
        rankingOrders[RankingMethod.linearWeightMass.rawValue] = LinearRanking.weightMass(fullLinear).order
        rankingOrders[RankingMethod.probeless.rawValue] = probeless.order
        var scores: [String: [Double]] = [:]
        for ranking in rankings + [probeless] { if let values = ranking.scores { scores[ranking.method.rawValue] = values } }
        let durrani = settings.durrani.flatMap { withDurrani ? DurraniAnalysis(settings: $0).summarize(data, control: control) : nil }
        let seconds = Date().timeIntervalSince(started)
        log(String(format: "%@: %d neurons, %d/%d/%d examples, linear %.3f, gaussian %.3f (%.0f s)", config.name, d,
                   data.train.count, data.dev.count, data.test.count,
                   fullLinear.accuracy(test.features, labels: test.labels), fullGaussian, seconds))
        var result = ConfigResult(
            config: config, labels: data.labelNames,
            examples: ["train": data.train.count, "dev": data.dev.count, "test": data.test.count],
            neuronCount: d, rankings: rankingOrders, gaussianMutualInformation: gaussian.mutualInformation,
            curves: curves, durrani: durrani,
            fullAccuracy: ["linear": fullLinear.accuracy(test.features, labels: test.labels), "gaussian": fullGaussian],
            provenance: ResultProvenance(
                tool: BuildInfo.tool, created: ISO8601DateFormatter().string(from: Date()),
                seconds: seconds, modelPath: store.origin.modelPath, modelHash: store.origin.modelHash,
                activationCache: store.origin.location, treebanks: dataset.provenance.treebanks,
                files: dataset.provenance.files, split: dataset.provenance.split,
                controlTask: controlTask.provenance.controlTask.map(String.init(describing:)) ?? "none",
                settings: settings))
        result.rankingScores = scores
        return result
    }
}

extension ConfigProbing.Settings {
    /// The settings that shape one config's result, as text for its cache key.
    package var configDigest: String { String(describing: self) }
}
