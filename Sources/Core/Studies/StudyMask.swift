import Foundation
import Analysis
import Corpora
import Models
import Support

/// Learned sparse interventions in a study (De Cao et al. 2022): every method × task × steps ×
/// site becomes one config, trained on each of the task's directions for every seed. Plain values,
/// recorded in ``StudyDescription``; ``SparseInterventionStudy`` runs each config.
public struct StudyMask: Sendable, Codable, Hashable, CustomStringConvertible {
    public var methods: [LearnedIntervention.Method]
    public var tasks: [SparseInterventionStudy.TaskName]
    public var steps: [InterventionSteps]
    /// Empty: `SparseInterventionStudy.defaultSite` (the residual stream a quarter of the way up).
    public var sites: [ModelSite]
    /// Runs per method and direction, seeds 0…seeds−1.
    public var seeds: Int
    /// Held-out examples over all directions; nil: the task's default (number 1,000, gender 200).
    public var heldOut: Int?
    /// The training budget and objective (the defaults of ``MaskTrainingSettings`` unless changed).
    public var training: MaskTrainingSettings
    /// α, the share of the site's units that may stay open; nil: the task's default
    /// (``SparseInterventionStudy/TaskName/defaultUnitShare``). It replaces `training.unitShare`.
    public var unitShare: Double?

    public init(methods: [LearnedIntervention.Method], tasks: [SparseInterventionStudy.TaskName] = [.number],
                steps: [InterventionSteps] = [.single], sites: [ModelSite] = [], seeds: Int = 1, heldOut: Int? = nil,
                training: MaskTrainingSettings = MaskTrainingSettings(), unitShare: Double? = nil) {
        self.methods = methods
        self.tasks = tasks
        self.steps = steps
        self.sites = sites
        self.seeds = seeds
        self.heldOut = heldOut
        self.training = training
        self.unitShare = unitShare
    }

    /// What is wrong with the values alone (no model needed).
    public func problems() -> [StudyError] {
        var problems: [StudyError] = []
        func problem(_ text: String) { problems.append(.invalidValue(component: "Mask", problem: text)) }
        if methods.isEmpty { problem("names no method — e.g. Mask(.hardConcrete)") }
        if tasks.isEmpty { problem("task: names no task — .number or .gender") }
        if steps.isEmpty { problem("steps: names no steps — .single or .every") }
        if seeds < 1 { problem("seeds: must be at least 1, not \(seeds)") }
        if let heldOut, heldOut < 1 { problem("heldOut: must be at least 1, not \(heldOut)") }
        if training.steps < 1 { problem("trainSteps: must be at least 1, not \(training.steps)") }
        if training.batchSize < 1 { problem("batch: must be at least 1, not \(training.batchSize)") }
        if let unitShare, !(unitShare > 0 && unitShare <= 1) { problem("alpha: must be a share in (0, 1], not \(unitShare)") }
        if !(training.klWeight >= 0 && training.klWeight.isFinite) { problem("kl: must be a weight ≥ 0, not \(training.klWeight)") }
        for site in sites {
            switch site {
            case .residual(let layer) where layer < 0: problem("site: residual \(layer) is negative (0 is the embeddings)")
            case .mlp(let layer) where layer < 1: problem("site: mlp \(layer) — the blocks are 1…L")
            case .cell(let layer) where layer < 1: problem("site: cell \(layer) — the blocks are 1…L")
            default: break
            }
        }
        return problems
    }

    public var description: String {
        "\(methods.map(\.rawValue).joined(separator: ", ")) on \(tasks.map(\.rawValue).joined(separator: ", ")), "
            + "\(steps.map(\.rawValue).joined(separator: ", "))-step at " + (sites.isEmpty ? "the middle residual" : sites.map(\.description).joined(separator: ", "))
    }

    /// The configs of this line on a model of `layerCount` blocks, in plan order (task, steps, site, method).
    public func work(layerCount: Int) -> [MaskWork] {
        let sites = sites.isEmpty ? [SparseInterventionStudy.defaultSite(layerCount: layerCount)] : sites
        var work: [MaskWork] = []
        for task in tasks {
            var training = training
            training.unitShare = unitShare ?? task.defaultUnitShare
            for steps in steps {
                for site in sites {
                    for method in methods {
                        work.append(MaskWork(method: method, task: task, steps: steps, site: site, seeds: seeds, heldOut: heldOut, training: training))
                    }
                }
            }
        }
        return work
    }
}

/// One mask config: one method on one task, steps and site, over the task's directions and the seeds.
public struct MaskWork: Sendable, Codable, Hashable, CustomStringConvertible {
    public var method: LearnedIntervention.Method
    public var task: SparseInterventionStudy.TaskName
    public var steps: InterventionSteps
    public var site: ModelSite
    public var seeds: Int
    public var heldOut: Int?
    public var training: MaskTrainingSettings

    /// What ``SparseInterventionStudy`` runs for this config.
    public var settings: SparseInterventionStudy.Settings {
        var settings = SparseInterventionStudy.Settings(site: site)
        settings.task = task
        settings.steps = steps
        settings.methods = [method]
        settings.seeds = seeds
        settings.heldOut = heldOut
        settings.training = training
        return settings
    }

    /// `mask-number-single-residual9-hard-concrete`.
    public var fileName: String {
        "mask-\(task.rawValue)-\(steps.rawValue)-" + site.description.replacingOccurrences(of: " ", with: "") + "-\(method.rawValue)"
    }

    /// "number, single-step at residual 9, Hard Concrete".
    public var name: String { "\(task.rawValue), \(steps.rawValue)-step at \(site), \(SparseInterventionReport.name(method))" }

    /// The plan table's work column: the method and the budget.
    public var description: String {
        "mask \(method.rawValue), \(steps.rawValue)-step at \(site), \(training.steps) steps × \(training.batchSize), "
            + "\(seeds) seed\(seeds == 1 ? "" : "s")"
    }

    /// The Hard Concrete config that an Integrated Gradients config takes its unit count and baseline from.
    var hardConcreteCompanion: MaskWork {
        var companion = self
        companion.method = .hardConcrete
        return companion
    }
}

/// What one mask config computed: every direction × seed run, with the data it saw.
public struct MaskConfigResult: Sendable, Codable {
    public struct DirectionData: Sendable, Codable, Hashable {
        public var name: String
        public var training: Int, heldOut: Int
    }

    public var work: MaskWork
    /// The model's name and summary.
    public var model: String
    public var directions: [DirectionData]
    /// Items of the task left out (forms that tokenize alike, too long).
    public var skipped: Int
    public var runs: [SparseInterventionStudy.Run]
    /// Hard Concrete configs at a residual site: where each direction's units fall in the Linear,
    /// Gaussian, Probeless and Random rankings of the site (nil for the other configs, and in
    /// results cached before the comparison existed).
    public var rankings: [UnitRankingComparison]? = nil
    /// De Cao et al.'s Fig. 1–2 for each direction: its first mask with units (seed order) on the
    /// direction's first held-out sentence (nil in results cached before the figures existed).
    public var activations: [MaskActivationTraces]? = nil
    public var seconds: Double
    public var tool: String
}

extension StudyPlanner {
    /// The mask configs of a study, after checking that the model can train masks and has the sites.
    static func maskConfigs(_ study: StudyDescription, source: ModelSource, shape: ModelSource.Shape, shared: SharedData) throws -> [PlannedConfig] {
        let modelName = study.model ?? source.name
        guard source.objective == .nextToken else {
            throw StudyError.unsupportedModel(name: modelName, reason: "Mask trains gates through a causal language model's pullbacks "
                                              + "(Gemma 3 or an LSTM); \(source.name) is an encoder (masked LM) — use Model(.gemma3) for the Mask lines")
        }
        var configs: [PlannedConfig] = []
        var examples: [SparseInterventionStudy.TaskName: Int] = [:]
        var seen = Set<String>()
        for mask in study.masks {
            for work in mask.work(layerCount: shape.layerCount) {
                try checkSite(work.site, shape: shape, model: modelName)
                if examples[work.task] == nil { examples[work.task] = try MaskData.itemCount(work.task, shared: shared) }
                let config = ProbingConfig(model: source.name, language: "English", attribute: work.task.rawValue, layer: work.site.layer)
                let held = work.heldOut ?? MaskData.defaultHeldOut(work.task)
                guard held < examples[work.task]! else {
                    throw StudyError.invalidValue(component: "Mask", problem: "heldOut: \(held) of the \(examples[work.task]!) \(work.task.rawValue) items "
                                                  + "leaves none to train on — give heldOut: fewer")
                }
                let planned = PlannedConfig(config: config, work: .mask(work), labels: MaskData.directions(work.task),
                                            examples: SplitCounts(train: examples[work.task]! - held, dev: 0, test: held)) { cores in
                    maskEstimate(work, shape: shape, heldOut: held, items: examples[work.task]!, cores: cores)
                }
                guard seen.insert(planned.identifier).inserted else {
                    throw StudyError.contradictory("two Mask lines both ask for \(work.name) — a config is learned once; "
                                                   + "give the second another task, steps, site or method")
                }
                configs.append(planned)
            }
        }
        return configs
    }

    static func checkSite(_ site: ModelSite, shape: ModelSource.Shape, model: String) throws {
        switch site {
        case .residual(let layer) where (0...shape.layerCount).contains(layer): return
        case .mlp(let layer) where (1...max(1, shape.layerCount)).contains(layer): return
        case .cell(let layer) where shape.isRecurrent && (1...max(1, shape.layerCount)).contains(layer): return
        case .cell where !shape.isRecurrent:
            throw StudyError.invalidValue(component: "Mask", problem: "site: \(site) — \(model) has no cell states (.residual(L) or .mlp(L))")
        default:
            throw StudyError.invalidValue(component: "Mask", problem: "site: \(site) is beyond \(model), whose residual sites are 0…\(shape.layerCount) "
                                          + "and MLP sites 1…\(shape.layerCount)")
        }
    }

    /// Seconds for one mask config: per direction and seed, `steps × batch` examples forward and
    /// backward (≈ 3 forwards) and the held-out set forward twice; a forward of a ~12-token prefix
    /// costs ≈ 2 × 12·L·D² × 12 flops, at ≈ 30 Gflop/s per core — fitted on `workbench mask` on
    /// Gemma 3 270M, single-step number, 2 cores: 1.8 s per step of 16 examples (0.11 s an example).
    /// Integrated Gradients evaluates the same number of batches without KL (no unedited run, the head
    /// on d and t only): 70 s against Hard Concrete's 251 s for → plural on Gemma 3 270M, so 0.3 of it.
    static func maskEstimate(_ work: MaskWork, shape: ModelSource.Shape, heldOut: Int, items: Int, cores: Double) -> Double {
        let forward = 2 * 12 * Double(shape.layerCount) * 12 * Double(shape.hiddenSize * shape.hiddenSize) / (3e10 * cores)
        let share = work.method == .integratedGradients ? 0.3 : 1
        let trained = share * Double(work.training.steps * work.training.batchSize) * 3 * forward
        let perRun = trained + 2 * forward * Double(heldOut)
        return 2 + Double(MaskData.directions(work.task).count * work.seeds) * perRun + rankingsEstimate(work, shape: shape, heldOut: heldOut, items: items, forward: forward)
    }

    /// Seconds for the rankings comparison of a Hard Concrete config at a residual site: the states
    /// of every training example up to the site, and per direction 4 rankings × 3 edits of the
    /// held-out examples (restricted to d and t, about 0.3 of a training forward each) — measured:
    /// 161 s for → plural at residual 4 of Gemma 3 270M (11,000 states, 492 held-out) on 2 busy cores.
    static func rankingsEstimate(_ work: MaskWork, shape: ModelSource.Shape, heldOut: Int, items: Int, forward: Double) -> Double {
        guard work.method == .hardConcrete, case .residual(let layer) = work.site else { return 0 }
        let states = Double(max(0, items - heldOut)) * Double(layer + 1) / Double(max(1, shape.layerCount))
        return forward * (0.3 * 16 * Double(heldOut) + states)
    }
}

/// Where the tasks' data live in the shared folder, and what planning reads of them.
enum MaskData {
    static func folder(_ task: SparseInterventionStudy.TaskName, shared: SharedData) -> URL {
        switch task {
        case .number: return shared.root.appendingPathComponent("agreement/lakretz2019", isDirectory: true)
        case .gender: return shared.root.appendingPathComponent("gender/vig2020", isDirectory: true)
        }
    }

    static func directions(_ task: SparseInterventionStudy.TaskName) -> [String] {
        task == .number ? ["plural", "singular"] : ["she", "he"]
    }

    static func defaultHeldOut(_ task: SparseInterventionStudy.TaskName) -> Int { task.defaultHeldOut }

    /// The task's items (pairs, or templates × professions), read to check the data before any work.
    static func itemCount(_ task: SparseInterventionStudy.TaskName, shared: SharedData) throws -> Int {
        switch task {
        case .number: return try AgreementStimuli.lakretz(folder: folder(task, shared: shared)).count
        case .gender:
            let (templates, professions) = try InterventionTask.genderFiles(folder: folder(task, shared: shared))
            return templates.count * professions.count
        }
    }

    /// The hash of the task's files (part of a mask config's cache key).
    static func contentHash(_ task: SparseInterventionStudy.TaskName, shared: SharedData) throws -> String {
        let folder = folder(task, shared: shared)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        return ContentHash.combine(try names.map { $0 + ":" + (try ContentHash.ofFile(folder.appendingPathComponent($0))) })
    }
}
