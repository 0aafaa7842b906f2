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
        public var neuronCounts: [Int] = ProbingEvaluator.defaultNeuronCounts
        /// How many neurons the greedy Gaussian ranking selects (the bottom-to-top Gaussian curve needs all).
        public var gaussianNeurons: Int = GaussianRanking.defaultMaxNeurons
        public var linear: LinearProbeSettings = .pitfalls
        public var control: ControlTask.Sampler = .uniform
        public var controlSeed: UInt64 = 1
        public var randomSeed: UInt64 = 1
        public var splitSeed: UInt64 = 0
        public var minTypes: Int = DatasetSettings().minTypes
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
        let cached = cacheFile(for: config, dataset: dataset, store: store, layers: layers, withDurrani: withDurrani)
        let (result, wasCached) = try CachedResult.value(at: cached, log: log) {
            try evaluate(config, dataset: dataset, store: store, layers: layers, withDurrani: withDurrani, log: log)
        }
        return (result, wasCached)
    }

    /// Where the result of a config is cached: named by the hash of everything that shapes it.
    ///
    /// - Parameter layers: the hidden states probed side by side. A config of one layer names it; an
    ///   all-layers config's identifier does not, so its key holds them (layers 2, 4, 6 side by side
    ///   are not layer 4 alone).
    public func cacheFile(for config: ProbingConfig, dataset: AttributeDataset, store: any ActivationRows, layers: [Int],
                          withDurrani: Bool) -> URL {
        // The activations by what makes them (model, corpus, word vectors), not by which cache folder
        // holds them: a wider extraction with the same layer gives the same key.
        let sideBySide = config.layer == nil ? ["layers:" + layers.map(String.init).joined(separator: ",")] : []
        let key = ContentHash.combine(store.contentKey + [String(describing: dataset.provenance),
                                       settings.configDigest, config.identifier, BuildInfo.version,
                                       "durrani:\(withDurrani)"] + sideBySide)
        return resultCache.appendingPathComponent("\(config.identifier)-\(key).json")
    }

    func relabel(_ data: ProbingData, with control: AttributeDataset, store: any ActivationRows) -> ProbingData {
        let labels = [DataSplit.train, .dev, .test].map { split in
            control.rows(for: split) { store.firstRow(fileName: $0, sentenceID: $1) }.labels
        }
        return data.relabeled(train: labels[0], dev: labels[1], test: labels[2], labelNames: control.labels)
    }

    /// Rankings and curves of one config: its phases (``rank(_:dataset:store:layers:)``, every
    /// curve, ``result(_:curves:withDurrani:log:)``) in a row, the curves all on one schedule
    /// (``ProbingEvaluator/curves(_:classifiers:progress:finished:)``: every curve's probes in one
    /// queue on the shared schedule).
    func evaluate(_ config: ProbingConfig, dataset: AttributeDataset, store: any ActivationRows, layers: [Int],
                  withDurrani: Bool, log: (String) -> Void) throws -> ConfigResult {
        let ranked = try rank(config, dataset: dataset, store: store, layers: layers)
        BLAS.beginSingleThreaded()   // many small probes: the cores go to parallel k instead
        defer { BLAS.endSingleThreaded() }
        // Counted in curve points (a ranking, a classifier and a k): the shared schedule finishes curves
        // late, but points all along.
        let bar = ProgressBar("  \(config.name)", total: ranked.combinations.count * ranked.neuronCounts.count, unit: "points")
        let curves = StageClock.measure(.curves) {
            ranked.evaluator.curves(ranked.evaluated, classifiers: settings.classifiers, progress: { bar.advance(by: $0) })
        }
        if Interruption.requested { throw CancellationError() }
        bar.finish()
        return result(ranked, curves: curves, withDurrani: withDurrani, log: log)
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
    package var configDigest: String { String(describing: self) }
}
