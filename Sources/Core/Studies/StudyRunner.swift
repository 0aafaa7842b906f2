import Foundation
import Analysis
import Corpora
import Support
import Probing
import Storage

/// Runs a study: plans it, runs the configs (this shard's share), reusing every cached artefact
/// (activations, config results), and writes the results folder with its report.
public struct StudyRunner: Sendable {
    public struct Options: Sendable {
        /// Show the plan and the estimate; run nothing.
        public var dryRun = false
        public var shard = Shard.whole
        /// Overrides the study's results folder.
        public var output: URL? = nil
        public var shared = SharedData()
        public var activationCache = ActivationCache()
        /// Config results cache (default: `results` beside the activation cache).
        public var resultCache: URL? = nil
        /// Write into a results folder that holds something else (another study's results, a
        /// user's files), removing the other study's per-config files (``ResultsFolder``).
        public var force = false
        /// Write the study as a Slurm job array (`--slurm N`) instead of running it.
        public var slurm: SlurmJobArray.Settings? = nil

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// What a run did.
    public struct Outcome: Sendable {
        public var plan: StudyPlan
        public var folder: URL
        public var results: [ConfigResult]
        /// The intervention sweeps' results (one per analyser and sweep).
        public var interventions: [InterventionResult]
        /// The mask configs' results (De Cao et al. 2022), in plan order.
        public var masks: [MaskConfigResult] = []
        /// Configs computed now, and read back from the cache.
        public var computed: Int, cached: Int
        /// The report, when this run covered the whole plan (a shard's report comes from `merge`).
        public var report: GridReport?
    }

    var resultCache: URL {
        options.resultCache ?? options.activationCache.folder("results")
    }

    /// Plans and (unless `dryRun`) runs the study.
    public func run(_ study: StudyDescription, log: (String) -> Void = { print($0) }) throws -> Outcome {
        Interruption.install()
        let plan = try StudyPlanner(shared: options.shared).plan(study)
        let folder = options.output ?? study.outputFolder
        for note in plan.notes { log(note) }
        let mine = plan.configs(in: options.shard)
        let owner = ResultsFolder.Owner(study: study.name, identity: plan.digest)
        if let slurm = options.slurm {
            _ = try writeSlurmJob(slurm, plan: plan, output: folder, owner: owner, log: log)
            return Outcome(plan: plan, folder: folder, results: [], interventions: [], masks: [], computed: 0, cached: 0, report: nil)
        }
        if options.dryRun {
            if let imported = plan.data.imported {
                let layers = imported.activations.layers.sorted().map(String.init).joined(separator: ", ")
                log("study \(study.name) on \(study.activations?.description ?? plan.modelFolder.path) "
                    + "(\(imported.activations.rowCount) rows × \(plan.hiddenSize) neurons; layers \(layers))")
            } else {
                log("study \(study.name) on \(plan.modelFolder.path) (\(plan.layerCount) layers × \(plan.hiddenSize))")
            }
            let cached = cachedIdentifiers(plan)
            log(plan.table(shard: options.shard, cached: cached))
            if options.shard.count > 1 { log(plan.shardTable(count: options.shard.count, cached: cached)) }
            log("results would go to \(folder.path)")
            if !options.force, let problem = ResultsFolder.problem(writing: folder, for: owner) { log("but a run would stop: \(problem)") }
            return Outcome(plan: plan, folder: folder, results: [], interventions: [], masks: [], computed: 0, cached: 0, report: nil)
        }
        try ResultsFolder.claim(folder, for: owner, force: options.force, log: log)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("configs"), withIntermediateDirectories: true)
        try StudyResults.writeRecord(plan: plan, shard: options.shard, to: folder)
        var results: [ConfigResult] = []
        var computed = 0, cached = 0
        var announced = false
        let probing = mine.filter { $0.work == .probing }
        for (index, planned) in probing.enumerated() {
            if Interruption.requested { throw CancellationError() }
            let dataset = plan.data.datasets[StudyData.key(planned.config.language, planned.config.attribute)]!
            let store = try activations(plan, language: planned.config.language, log: log)
            let layers = probedLayers(planned, plan)
            let withDurrani = study.durrani.covers(planned.config)
            let probingRun = ConfigProbing(settings: probingSettings(study), resultCache: resultCache)
            let (result, wasCached) = try probingRun.result(for: planned.config, dataset: dataset, store: store, layers: layers,
                                                           withDurrani: withDurrani, log: log)
            if wasCached { cached += 1 } else { computed += 1 }
            log("[\(index + 1)/\(probing.count)] \(planned.name): " + (wasCached ? "cached" : "done"))
            try StudyResults.write(result, as: planned.identifier, in: folder)
            results.append(result)
            // A whole run's report grows as computed configs finish (cached ones take no time to wait
            // for), until the final one replaces it.
            let workLeft = index + 1 < probing.count || mine.contains { $0.work != .probing }
            if options.shard == .whole && workLeft && study.probes && !wasCached {
                try StudyResults.writeProgressReport(plan: plan, results: results, probingCount: probing.count, to: folder)
                if !announced { log("report so far: \(folder.appendingPathComponent("report.md").path) (updated as configs finish)") }
                announced = true
            }
        }
        var interventions: [InterventionResult] = []
        let sweeps = mine.filter { $0.work.intervention != nil }
        for (index, planned) in sweeps.enumerated() {
            if Interruption.requested { throw CancellationError() }
            guard case .intervention(let intervention) = planned.work else { continue }
            let (swept, wasCached) = try interventionResults(planned, intervention: intervention, plan: plan, log: log)
            if wasCached { cached += 1 } else { computed += 1 }
            log("[\(index + 1)/\(sweeps.count)] \(planned.name): " + (wasCached ? "cached" : "done"))
            try StudyResults.write(swept, as: planned.identifier, in: folder)
            interventions += swept
        }
        var masks: [MaskConfigResult] = []
        let maskConfigs = mine.filter { $0.work.mask != nil }
        for (index, planned) in maskConfigs.enumerated() {
            if Interruption.requested { throw CancellationError() }
            let (result, wasCached) = try maskResult(planned, work: planned.work.mask!, plan: plan, log: log)
            if wasCached { cached += 1 } else { computed += 1 }
            log("[\(index + 1)/\(maskConfigs.count)] \(planned.name): " + (wasCached ? "cached" : "done"))
            try StudyResults.write(result, as: planned.identifier, in: folder)
            masks.append(result)
        }
        var report: GridReport? = nil
        if options.shard == .whole {
            report = try StudyResults.writeReport(plan: plan, results: results, interventions: interventions, masks: masks, to: folder)
        }
        return Outcome(plan: plan, folder: folder, results: results, interventions: interventions, masks: masks,
                       computed: computed, cached: cached, report: report)
    }

    /// The matrices of a planned config (for analyses beyond the cached result, e.g. ranking scores).
    public func probingData(for planned: PlannedConfig, in plan: StudyPlan, log: (String) -> Void = { _ in }) throws -> ProbingData {
        let dataset = plan.data.datasets[StudyData.key(planned.config.language, planned.config.attribute)]!
        let store = try activations(plan, language: planned.config.language, log: log)
        return try ProbingData.load(store: store, dataset: dataset, layers: probedLayers(planned, plan))
    }

    /// The hidden states a config probes: its layer, or for an all-layers config ``concatenatedLayers(_:)``.
    func probedLayers(_ planned: PlannedConfig, _ plan: StudyPlan) -> [Int] {
        planned.config.layer.map { [$0] } ?? concatenatedLayers(plan)
    }

    /// The layers an all-layers config puts side by side: the study's, or every array a user brought.
    func concatenatedLayers(_ plan: StudyPlan) -> [Int] {
        plan.data.imported?.activations.layers.sorted() ?? Array(Set(plan.study.layers)).sorted()
    }

    /// The text of the per-config settings that key the result cache.
    public func probingDigest(_ study: StudyDescription) -> String { probingSettings(study).configDigest }

    /// The per-config settings of a study.
    func probingSettings(_ study: StudyDescription) -> ConfigProbing.Settings {
        var settings = ConfigProbing.Settings(model: study.model ?? study.activations?.sourceName ?? "")
        settings.rankings = RankingMethod.allCases.filter(study.rankings.contains)   // order does not change results
        settings.classifiers = study.classifiers
        settings.neuronCounts = study.neuronCounts
        // The greedy Gaussian ranking reaches the study's largest k (Probeless completes it beyond).
        settings.gaussianNeurons = max(settings.gaussianNeurons, study.neuronCounts.max() ?? 0)
        settings.selectivity = study.control != nil
        settings.control = study.control ?? .uniform
        settings.controlSeed = study.seed
        settings.randomSeed = study.seed
        settings.minTypes = study.minTypes
        if study.durrani == .none { settings.durrani = nil }
        return settings
    }

    private func request(_ plan: StudyPlan, language: String) -> ExtractionRequest {
        ExtractionRequest(modelFolder: plan.modelFolder, corpusFiles: plan.data.corpora[language]!.fileURLs,
                          layers: Array(Set(plan.study.layers)).sorted())
    }

    func activations(_ plan: StudyPlan, language: String, log: (String) -> Void) throws -> any ActivationRows {
        if let imported = plan.data.imported { return imported.activations }
        if let store = plan.data.stores[language] { return store }
        let store = try options.activationCache.activations(for: request(plan, language: language), log: log)
        plan.data.stores[language] = store
        return store
    }

    /// The configs whose results are already cached (for the dry run's estimate).
    func cachedIdentifiers(_ plan: StudyPlan) -> Set<String> {
        var identifiers = Set<String>()
        let probing = ConfigProbing(settings: probingSettings(plan.study), resultCache: resultCache)
        if let imported = plan.data.imported {
            for planned in plan.configs where planned.work == .probing {
                let file = probing.cacheFile(for: planned.config, dataset: imported.dataset, store: imported.activations,
                                             layers: probedLayers(planned, plan), withDurrani: plan.study.durrani.covers(planned.config))
                if FileManager.default.fileExists(atPath: file.path) { identifiers.insert(planned.identifier) }
            }
        }
        for language in plan.data.corpora.keys.sorted() {
            guard let corpus = plan.data.corpora[language],
                  let directory = try? options.activationCache.directory(for: request(plan, language: language)),
                  FileManager.default.fileExists(atPath: directory.url.path),
                  let store = try? ActivationStore(directory: directory.url) else { continue }
            for planned in plan.configs where planned.config.language == corpus.language && planned.work == .probing {
                guard let dataset = plan.data.datasets[StudyData.key(planned.config.language, planned.config.attribute)] else { continue }
                let withDurrani = plan.study.durrani.covers(planned.config)
                let file = probing.cacheFile(for: planned.config, dataset: dataset, store: store, layers: probedLayers(planned, plan),
                                             withDurrani: withDurrani)
                if FileManager.default.fileExists(atPath: file.path) { identifiers.insert(planned.identifier) }
            }
        }
        for planned in plan.configs {
            guard case .intervention(let intervention) = planned.work,
                  let file = try? interventionCacheFile(planned, intervention: intervention, plan: plan) else { continue }
            if FileManager.default.fileExists(atPath: file.path) { identifiers.insert(planned.identifier) }
        }
        for planned in plan.configs {
            guard let work = planned.work.mask, let file = try? maskCacheFile(planned, work: work, plan: plan) else { continue }
            if FileManager.default.fileExists(atPath: file.path) { identifiers.insert(planned.identifier) }
        }
        return identifiers
    }
}
