import Foundation
import Analysis
import Corpora
import Models
import Support
import Storage

/// One unit of a study's work: a config and what is done with it.
public struct PlannedConfig: Sendable, Codable, Hashable {
    public enum Work: Sendable, Codable, Hashable {
        /// Rankings and probe curves (Antverg §3, Durrani et al.).
        case probing
        /// An intervention sweep with the config's rankings (Antverg §4).
        case intervention(StudyIntervention)
        /// A learned sparse intervention (De Cao et al. 2022) on a causal model.
        case mask(MaskWork)

        /// The mask config, if this is one.
        public var mask: MaskWork? {
            if case .mask(let work) = self { return work }
            return nil
        }
        /// The intervention sweep, if this is one.
        public var intervention: StudyIntervention? {
            if case .intervention(let intervention) = self { return intervention }
            return nil
        }
    }

    public var config: ProbingConfig
    public var work: Work
    public var labels: [String]
    /// Examples per split ("train", "dev", "test").
    public var examples: SplitCounts
    /// A rough estimate of the seconds it takes on this machine's cores when nothing is cached.
    public var estimatedSeconds: Double
    /// The same estimate on one core: what shards are balanced by. It depends on nothing but the
    /// plan, so every machine of a cluster computes the same shards from it.
    public var cost: Double

    /// - Parameter estimate: seconds for the config on a machine of the given number of cores.
    init(config: ProbingConfig, work: Work, labels: [String], examples: SplitCounts, estimate: (_ cores: Double) -> Double) {
        self.config = config
        self.work = work
        self.labels = labels
        self.examples = examples
        estimatedSeconds = estimate(Self.machineCores)
        cost = estimate(1)
    }

    /// This machine's cores, as the estimates count them.
    static var machineCores: Double { Double(ProcessorCores.available) }

    private enum CodingKeys: String, CodingKey { case config, work, labels, examples, estimatedSeconds, cost }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        config = try container.decode(ProbingConfig.self, forKey: .config)
        work = try container.decode(Work.self, forKey: .work)
        labels = try container.decode([String].self, forKey: .labels)
        examples = try container.decode(SplitCounts.self, forKey: .examples)
        estimatedSeconds = try container.decode(Double.self, forKey: .estimatedSeconds)
        // Records written before shards were balanced have no cost.
        cost = try container.decodeIfPresent(Double.self, forKey: .cost) ?? estimatedSeconds
    }

    /// A file-name-safe identifier, unique within the plan.
    public var identifier: String {
        switch work {
        case .probing: return config.fileStem
        case .intervention(let intervention):
            return config.fileStem + "-" + intervention.edit.fileName
        case .mask(let work):
            return config.model.replacingOccurrences(of: " ", with: "_") + "-" + work.fileName
        }
    }

    /// "English Number L4" or "English Number L4 translate β=8".
    public var name: String {
        switch work {
        case .probing: return config.name
        case .intervention(let intervention): return "\(config.name) \(intervention.edit.name)"
        case .mask(let work): return "mask \(work.name)"
        }
    }
}

/// What a study will do: its configs in a fixed order (the order shards split and reports list),
/// checked against the model and the data before any work starts.
public struct StudyPlan: Sendable {
    public var study: StudyDescription
    public var modelFolder: URL
    public var layerCount: Int
    public var hiddenSize: Int
    public var configs: [PlannedConfig]
    /// Languages × attributes that were left out, and why.
    public var notes: [String]
    /// Corpora and datasets read while planning, reused by the run.
    let data: StudyData

    /// Hash of everything that decides the configs and their results: shards of the same study share it.
    public var digest: String {
        var study = study
        study.output = nil
        return ContentHash.combine([String(describing: study), configs.map(\.identifier).joined(separator: ",")])
    }

    /// The configs of one shard, in plan order.
    public func configs(in shard: Shard) -> [PlannedConfig] {
        let shards = shardIndices(count: shard.count)
        return configs.indices.filter { shards[$0] == shard.index }.map { configs[$0] }
    }

    /// The shard (1-based) of the config at each plan position when the plan is cut into `count`
    /// shards balanced by ``PlannedConfig/cost``: longest first, each to the shard with the least
    /// work so far (ties: the earlier config, the lower shard). Costs are counted in whole
    /// centiseconds, so the sums are exact and every machine computes the same shards.
    public func shardIndices(count: Int) -> [Int] { Self.balancedShards(costs: configs.map(\.cost), count: count) }

    /// Longest-processing-time-first: the shard (1-based) of each cost, so that the shards' sums
    /// differ by at most the largest cost.
    public static func balancedShards(costs: [Double], count: Int) -> [Int] {
        precondition(count >= 1, "a plan is cut into at least one shard, not \(count)")
        let centiseconds = costs.map { Int(($0 * 100).rounded()) }
        let order = costs.indices.sorted { centiseconds[$0] != centiseconds[$1] ? centiseconds[$0] > centiseconds[$1] : $0 < $1 }
        var loads = [Int](repeating: 0, count: count)
        var shards = [Int](repeating: 1, count: costs.count)
        for position in order {
            let lightest = loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
            shards[position] = lightest + 1
            loads[lightest] += centiseconds[position]
        }
        return shards
    }

    /// Each shard's configs and estimate when the plan is cut into `count` shards.
    public func shardTable(count: Int, cached: Set<String> = []) -> String {
        let shards = shardIndices(count: count)
        var rows = [["shard", "configs", "cached", "estimate"]]
        for shard in 1...count {
            let mine = configs.indices.filter { shards[$0] == shard }.map { configs[$0] }
            let toRun = mine.filter { !cached.contains($0.identifier) }
            rows.append(["\(shard)/\(count)", "\(mine.count)", "\(mine.count - toRun.count)",
                         Self.duration(toRun.map(\.estimatedSeconds).reduce(0, +))])
        }
        return TextTable.render(rows) + "\nshards balanced by the planner's estimates (longest configs first, each to the least loaded shard)"
    }

    /// The plan as a table, with the estimate (for `--dry-run`).
    public func table(shard: Shard = .whole, cached: Set<String> = []) -> String {
        var rows = [["#", "config", "work", "labels", "train/dev/test", "estimate"]]
        var total = 0.0
        let shards = shardIndices(count: shard.count)
        for (position, planned) in configs.enumerated() where shards[position] == shard.index {
            let work: String
            switch planned.work {
            case .probing: work = "probing"
            case .intervention(let intervention): work = intervention.description
            case .mask(let mask): work = mask.description
            }
            let isCached = cached.contains(planned.identifier)
            if !isCached { total += planned.estimatedSeconds }
            rows.append(["\(position + 1)", planned.config.name, work, planned.labels.joined(separator: " "),
                         planned.examples.slashed,
                         isCached ? "cached" : Self.duration(planned.estimatedSeconds)])
        }
        var text = TextTable.render(rows)
        text += "\n\(rows.count - 1) configs" + (shard == .whole ? "" : " in shard \(shard) of \(configs.count)")
            + ", about \(Self.duration(total)) on \(ProcessorCores.available) cores (rough estimate; cached configs take no time)"
        return text
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return String(format: "%.0f s", seconds) }
        if seconds < 5400 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}

/// The corpora and datasets of a plan, loaded once.
final class StudyData: @unchecked Sendable {
    let shared: SharedData
    var corpora: [String: LanguageCorpus] = [:]
    var datasets: [String: AttributeDataset] = [:]
    var stores: [String: ActivationStore] = [:]
    /// A user's arrays and their dataset, when the study brings its own activations.
    var imported: ImportedActivations.Opened?
    /// Hashes of the model's files and each language's treebank files (intervention cache keys).
    var sourceHashes: [String: [String]] = [:]
    /// The study's model and tokenizer, loaded once per run by the first config that needs them
    /// (intervention sweeps, mask configs).
    var model: (model: any LanguageModel, tokenizer: any Tokenizer)?

    init(shared: SharedData) { self.shared = shared }

    static func key(_ language: String, _ attribute: String) -> String { "\(language)|\(attribute)" }
}
