import Foundation

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
    /// How the work is laid out on the cores (not part of the result: both give the same curves, see
    /// ``ProbingEvaluator/Schedule``); `workbench bench grid` times one against the other.
    public var schedule: ProbingEvaluator.Schedule = .shared

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
            let data = try StageClock.measure(.probingRows) { try ProbingData.load(store: store, dataset: dataset, layers: layers) }
            let (control, controlData) = StageClock.measure(.probingControlTask) {
                let control = dataset.controlTask(settings.control, seed: settings.controlSeed)
                return (control, relabel(data, with: control, store: store))
            }
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
                                       settings.configDigest, config.identifier, Workbench.version,
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
        let (fullLinear, evaluator) = startingProbes(data: data, control: settings.selectivity ? control : nil)
        let probeless = StageClock.measure(.probelessRanking) {
            ProbelessRanking.rank(features: data.train.features, labels: data.train.labels, classCount: data.classCount)
        }
        var gaussian = GaussianRankingResult(order: [], mutualInformation: [], accuracy: [])
        var rankings: [NeuronRanking] = []
        for method in settings.rankings {
            switch method {
            case .linear: rankings.append(StageClock.measure(.otherRankings) { LinearRanking.meanAbsoluteWeight(fullLinear) })
            case .linearWeightMass: rankings.append(StageClock.measure(.otherRankings) { LinearRanking.weightMass(fullLinear) })
            case .probeless: rankings.append(probeless)
            case .random: rankings.append(StageClock.measure(.otherRankings) { RandomRanking.rank(neuronCount: d, seed: settings.randomSeed) })
            case .gaussian:
                let selection = settings.gaussianSelection == .train ? data.train : (settings.gaussianSelection == .dev ? data.dev : data.test)
                gaussian = StageClock.measure(.gaussianRanking) {
                    GaussianRanking.rank(probe: evaluator.gaussianProbe, features: selection.features, labels: selection.labels,
                                         maxNeurons: min(settings.gaussianNeurons, d))
                }
                rankings.append(gaussian.completed(by: probeless))
            }
        }
        let evaluated = rankings.flatMap { $0.method == .random ? [$0] : [$0, $0.bottomToTop] }
        // Counted in curve points (a ranking, a classifier and a k): the shared schedule finishes curves
        // late, but points all along.
        let bar = ProgressBar("  \(config.name)", total: evaluated.count * settings.classifiers.count * evaluator.neuronCounts.count,
                              unit: "points")
        let curves = StageClock.measure(.curves) {
            evaluator.curves(evaluated, classifiers: settings.classifiers, progress: { bar.advance(by: $0) })
        }
        if Interruption.requested { throw CancellationError() }
        bar.finish()
        let test = data.test
        let fullGaussian = StageClock.measure(.gaussianOnAllNeurons) {
            evaluator.gaussianProbe.evaluate(features: test.features, labels: test.labels, neurons: Array(0..<d)).accuracy
        }
        var rankingOrders = Dictionary(uniqueKeysWithValues: rankings.map { ($0.method.rawValue, $0.order) })
        rankingOrders[RankingMethod.linearWeightMass.rawValue] = LinearRanking.weightMass(fullLinear).order
        rankingOrders[RankingMethod.probeless.rawValue] = probeless.order
        var scores: [String: [Double]] = [:]
        for ranking in rankings + [probeless] { if let values = ranking.scores { scores[ranking.method.rawValue] = values } }
        let durrani = settings.durrani.flatMap { durraniSettings -> DurraniSummary? in
            guard withDurrani else { return nil }
            var analysis = DurraniAnalysis(settings: durraniSettings)
            analysis.schedule = schedule
            return analysis.summarize(data, control: control)
        }
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
                tool: "neuron-workbench \(Workbench.version)", created: ISO8601DateFormatter().string(from: Date()),
                seconds: seconds, modelPath: store.origin.modelPath, modelHash: store.origin.modelHash,
                activationCache: store.origin.location, treebanks: dataset.provenance.treebanks,
                files: dataset.provenance.files, split: dataset.provenance.split,
                controlTask: controlTask.provenance.controlTask.map(String.init(describing:)) ?? "none",
                settings: settings))
        result.rankingScores = scores
        return result
    }
}

extension ConfigProbing {
    /// The probe on all neurons (behind the linear rankings) and the evaluator with its Gaussian
    /// probes (task and control): one after the other on the reference schedule, side by side on the
    /// cores on the shared one (each is the same either way: every job runs on one BLAS thread).
    func startingProbes(data: ProbingData, control: ProbingData?) -> (LinearProbe, ProbingEvaluator) {
        let settings = settings
        @Sendable func fullLinear() -> LinearProbe {
            StageClock.measure(.linearOnAllNeurons) {
                LinearProbe.train(features: data.train.features, labels: data.train.labels, classCount: data.classCount,
                                  settings: settings.linear)
            }
        }
        @Sendable func fit(_ data: ProbingData, _ stage: StageClock.Stage) -> GaussianProbe {
            StageClock.measure(stage) {
                GaussianProbe.fit(features: data.train.features, labels: data.train.labels, classCount: data.classCount,
                                  prior: settings.gaussianPrior)
            }
        }
        let linear: LinearProbe, gaussian: GaussianProbe, controlGaussian: GaussianProbe?
        if schedule == .reference || BLAS.threadCount != 1 {
            linear = fullLinear()
            gaussian = fit(data, .gaussianFit)
            controlGaussian = control.map { fit($0, .controlGaussianFit) }
        } else {
            enum Started: Sendable { case linear(LinearProbe), gaussian(GaussianProbe) }
            let jobs = control == nil ? 2 : 3
            let started = StageClock.measure(.probingStart) {
                Parallel.map(jobs) { job -> Started in
                    switch job {
                    case 0: return .linear(fullLinear())
                    case 1: return .gaussian(fit(data, .gaussianFit))
                    default: return .gaussian(fit(control!, .controlGaussianFit))
                    }
                }
            }
            guard case .linear(let probe) = started[0], case .gaussian(let task) = started[1] else { preconditionFailure("startingProbes") }
            linear = probe
            gaussian = task
            if case .gaussian(let probe)? = started.dropFirst(2).first { controlGaussian = probe } else { controlGaussian = nil }
        }
        var evaluator = ProbingEvaluator(data: data, control: control, linearSettings: settings.linear,
                                         neuronCounts: settings.neuronCounts, gaussian: gaussian, controlGaussian: controlGaussian)
        evaluator.schedule = schedule
        return (linear, evaluator)
    }
}

extension ConfigProbing.Settings {
    /// The settings that shape one config's result, as text for its cache key.
    var configDigest: String { String(describing: self) }
}
