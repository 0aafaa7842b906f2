import Foundation

/// The probing study of Antverg & Belinkov 2022 §3 over a grid of configs (language × attribute ×
/// layer): seven rankings, two classifiers, accuracy curves for k = 1…150, selectivity against a
/// control task. Each config's result is cached by the hash of its inputs and settings.
public struct ProbingGrid: Sendable {
    public struct Settings: Sendable, Codable, Hashable {
        public var model: String
        public var languages: [String]
        public var attributes: [String]
        /// Hidden states to probe one at a time.
        public var layers: [Int]
        /// Also probe all `layers` concatenated (Durrani et al. 2020 §5).
        public var allLayersConcatenated: Bool = false
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
        /// Run them on every config, or only on the all-layers-concatenated ones (their §5 setting).
        public var durraniOnEveryConfig: Bool = false

        public init(model: String, languages: [String], attributes: [String], layers: [Int]) {
            self.model = model
            self.languages = languages
            self.attributes = attributes
            self.layers = layers
        }
    }

    public var settings: Settings
    public var shared: SharedData
    public var activationCache: ActivationCache
    /// Where config results are cached (default `<cache root>/results`).
    public var resultCache: URL

    public init(settings: Settings, shared: SharedData = SharedData(), activationCache: ActivationCache = ActivationCache(),
                resultCache: URL? = nil) {
        self.settings = settings
        self.shared = shared
        self.activationCache = activationCache
        self.resultCache = resultCache ?? activationCache.root.deletingLastPathComponent().appendingPathComponent("results")
    }

    /// Runs every config (reusing cached ones) and returns their results in grid order.
    public func run(log: (String) -> Void = { print($0) }) throws -> [ConfigResult] {
        let registry = try CorpusRegistry.scan(shared.udRoot())
        let mapping = try UniMorphMapping.load(from: shared)
        let modelURL = ModelCatalog.resolve(settings.model)
        let datasetSettings = DatasetSettings(minTypes: settings.minTypes,
                                              attributes: try settings.attributes.map { try UniMorphAttribute.parse($0, among: UniMorphAttribute.studied) })
        var results: [ConfigResult] = []
        for language in settings.languages {
            let corpus = try LanguageCorpus.load(language: language, from: registry, seed: settings.splitSeed)
            var layers = settings.layers
            for layer in layers { precondition(layer >= 0, "layer \(layer)") }
            layers = Array(Set(layers)).sorted()
            let request = ExtractionRequest(modelFolder: modelURL, corpusFiles: corpus.fileURLs, layers: layers)
            let store = try activationCache.activations(for: request, log: log)
            for attribute in datasetSettings.attributes {
                let dataset = corpus.dataset(for: attribute, mapping: mapping, settings: datasetSettings)
                guard dataset.isTask else {
                    log("\(corpus.language) \(attribute): fewer than 2 values survive (min \(settings.minTypes) types per split) — skipped")
                    continue
                }
                let control = dataset.controlTask(settings.control, seed: settings.controlSeed)
                let targets: [Int?] = layers.map { Optional($0) } + (settings.allLayersConcatenated ? [nil] : [])
                for layer in targets {
                    let config = ProbingConfig(model: modelURL.standardizedFileURL.lastPathComponent, language: corpus.language,
                                               attribute: attribute.rawValue, layer: layer)
                    let withDurrani = settings.durrani != nil
                        && (settings.durraniOnEveryConfig || layer == nil || !settings.allLayersConcatenated)
                    let key = ContentHash.combine([store.manifest.key, String(describing: dataset.provenance),
                                                   settings.configDigest, config.identifier, Workbench.version,
                                                   "durrani:\(withDurrani)"])
                    let cached = resultCache.appendingPathComponent("\(config.identifier)-\(key).json")
                    if let data = try? Data(contentsOf: cached), let result = try? JSONDecoder().decode(ConfigResult.self, from: data) {
                        log("\(config.name): cached")
                        results.append(result)
                        continue
                    }
                    let started = Date()
                    let data = try ProbingData.load(store: store, dataset: dataset, layers: layer.map { [$0] } ?? layers)
                    let controlData = relabel(data, with: control, store: store)
                    let result = evaluate(config, data: data, control: controlData, store: store, dataset: dataset,
                                          controlTask: control, withDurrani: withDurrani, started: started, log: log)
                    try FileManager.default.createDirectory(at: resultCache, withIntermediateDirectories: true)
                    try JSONEncoder().encode(result).write(to: cached, options: .atomic)
                    results.append(result)
                }
            }
        }
        return results
    }

    private func relabel(_ data: ProbingData, with control: AttributeDataset, store: ActivationStore) -> ProbingData {
        let labels = [DataSplit.train, .dev, .test].map { split in
            control.rows(for: split) { store.firstRow(fileName: $0, sentenceID: $1) }.labels
        }
        return data.relabeled(train: labels[0], dev: labels[1], test: labels[2], labelNames: control.labels)
    }

    /// Rankings and curves of one config.
    func evaluate(_ config: ProbingConfig, data: ProbingData, control: ProbingData, store: ActivationStore,
                  dataset: AttributeDataset, controlTask: AttributeDataset, withDurrani: Bool, started: Date,
                  log: (String) -> Void) -> ConfigResult {
        let d = data.neuronCount
        let threads = BLAS.threadCount
        BLAS.setThreadCount(1)   // many small probes: the cores go to parallel k instead
        defer { BLAS.setThreadCount(threads) }
        let evaluator = ProbingEvaluator(data: data, control: control, linearSettings: settings.linear,
                                         neuronCounts: settings.neuronCounts, gaussianPrior: settings.gaussianPrior)
        let fullLinear = LinearProbe.train(features: data.train.features, labels: data.train.labels,
                                           classCount: data.classCount, settings: settings.linear)
        let selection = settings.gaussianSelection == .train ? data.train : (settings.gaussianSelection == .dev ? data.dev : data.test)
        let gaussian = GaussianRanking.rank(probe: evaluator.gaussianProbe, features: selection.features, labels: selection.labels,
                                            maxNeurons: min(settings.gaussianNeurons, d))
        var gaussianOrder = gaussian.order
        // Complete the greedy order with the remaining neurons by Probeless score, so that a
        // bottom-to-top Gaussian ranking exists even when the greedy search stopped early.
        let probeless = ProbelessRanking.rank(features: data.train.features, labels: data.train.labels, classCount: data.classCount)
        let chosen = Set(gaussianOrder)
        gaussianOrder += probeless.order.filter { !chosen.contains($0) }
        let linear = LinearRanking.meanAbsoluteWeight(fullLinear)
        let rankings: [NeuronRanking] = [
            linear, NeuronRanking(method: .gaussian, order: gaussianOrder), probeless,
            RandomRanking.rank(neuronCount: d, seed: settings.randomSeed),
        ]
        let evaluated = rankings.flatMap { $0.method == .random ? [$0] : [$0, $0.bottomToTop] }
        var curves: [AccuracyCurve] = []
        let bar = ProgressBar("  \(config.name)", total: evaluated.count * ProbeKind.allCases.count, unit: "curves")
        for ranking in evaluated {
            for classifier in ProbeKind.allCases {
                curves.append(evaluator.curve(ranking, classifier: classifier))
                bar.advance()
            }
        }
        bar.finish()
        let test = data.test
        let fullGaussian = evaluator.gaussianProbe.evaluate(features: test.features, labels: test.labels, neurons: Array(0..<d)).accuracy
        var rankingOrders = Dictionary(uniqueKeysWithValues: rankings.map { ($0.method.rawValue, $0.order) })
        rankingOrders[RankingMethod.linearWeightMass.rawValue] = LinearRanking.weightMass(fullLinear).order
        let durrani = settings.durrani.flatMap { withDurrani ? DurraniAnalysis(settings: $0).summarize(data, control: control) : nil }
        let seconds = Date().timeIntervalSince(started)
        log(String(format: "%@: %d neurons, %d/%d/%d examples, linear %.3f, gaussian %.3f (%.0f s)", config.name, d,
                   data.train.count, data.dev.count, data.test.count,
                   fullLinear.accuracy(test.features, labels: test.labels), fullGaussian, seconds))
        return ConfigResult(
            config: config, labels: data.labelNames,
            examples: ["train": data.train.count, "dev": data.dev.count, "test": data.test.count],
            neuronCount: d, rankings: rankingOrders, gaussianMutualInformation: gaussian.mutualInformation,
            curves: curves, durrani: durrani,
            fullAccuracy: ["linear": fullLinear.accuracy(test.features, labels: test.labels), "gaussian": fullGaussian],
            provenance: ResultProvenance(
                tool: "neuron-workbench \(Workbench.version)", created: ISO8601DateFormatter().string(from: Date()),
                seconds: seconds, modelPath: store.manifest.model.path, modelHash: store.manifest.model.contentHash,
                activationCache: store.directory.path, treebanks: dataset.provenance.treebanks,
                files: dataset.provenance.files, split: dataset.provenance.split,
                controlTask: controlTask.provenance.controlTask.map(String.init(describing:)) ?? "none",
                settings: settings))
    }
}

extension ProbingGrid.Settings {
    /// The settings that shape one config's result: everything but the lists of languages,
    /// attributes and layers (which only choose configs), so a config's cached result is found
    /// again from any grid that contains it.
    var configDigest: String {
        var copy = self
        copy.languages = []
        copy.attributes = []
        copy.layers = []
        copy.allLayersConcatenated = false
        copy.durraniOnEveryConfig = false
        return String(describing: copy)
    }
}
