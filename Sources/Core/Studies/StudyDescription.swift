import Foundation
import Analysis
import Corpora
import Probing

/// Everything a study asks for, as plain values: what the DSL (`Study { … }`) and the REPL build
/// and what ``StudyPlanner`` and ``StudyRunner`` execute. Codable, so it is recorded beside the results.
public struct StudyDescription: Sendable, Codable, Hashable {
    public var name: String
    /// A catalog name (`minilm`, `mbert`, `xlmr`, `bert`, `gemma3`) or a checkpoint folder; nil until chosen.
    public var model: String?
    /// Activations and labels a user brings (`.npy` + labels) instead of a model and treebanks; they
    /// go through the same rankings, probes and report. Exclusive with `model`.
    public var activations: ActivationImport? = nil
    /// Languages as the treebank folders spell them (`English`, `Spanish`, …).
    public var languages: [String] = []
    /// UniMorph attributes by name or slug (`Number`, `gender`, `pos`, …).
    public var attributes: [String] = []
    /// Attributes that no language's data supports are noted in the plan and left out instead of
    /// refused (the presets' "every attribute at hand"); a study where none is found is still refused.
    public var attributesWhereFound = false
    /// Hidden states probed one at a time (0 = embeddings).
    public var layers: [Int] = []
    /// Also probe the layers side by side (Durrani et al. §5).
    public var allLayersConcatenated = false
    /// Rankings evaluated by the probes (their bottom-to-top orders come with them).
    public var rankings: [RankingMethod] = [.linear, .gaussian, .probeless, .random]
    /// Classifiers that evaluate each ranking; empty to rank only.
    public var classifiers: [ProbeKind] = ProbeKind.allCases
    /// The k values of the accuracy curves.
    public var neuronCounts: [Int] = ProbingEvaluator.defaultNeuronCounts
    /// The control task for selectivity (Hewitt & Liang 2019); nil: no selectivity curves.
    public var control: ControlTask.Sampler? = nil
    /// Where Durrani et al.'s analyses run.
    public var durrani: DurraniScope = .none
    /// Intervention sweeps on the model (Antverg & Belinkov §4).
    public var interventions: [StudyIntervention] = []
    /// Learned sparse interventions on a causal model (De Cao et al. 2022); a study of masks alone
    /// needs no languages, attributes or layers.
    public var masks: [StudyMask] = []
    /// What the report draws and tabulates; empty: everything the results allow.
    public var reports: [ReportKind] = []
    /// Value filter: types per split a value needs to stay (Antverg: 100).
    public var minTypes = DatasetSettings().minTypes
    public var seed: UInt64 = 1
    /// Results folder; nil: `results/<name>`.
    public var output: String? = nil

    public init(name: String) { self.name = name }

    /// Whether the study probes (and sweeps): anything but masks alone.
    public var probes: Bool { masks.isEmpty || !languages.isEmpty || !attributes.isEmpty || !layers.isEmpty || activations != nil }

    /// The results folder.
    public var outputFolder: URL { URL(fileURLWithPath: output ?? ResultsFolder.defaultPath(name), isDirectory: true) }
}

/// Which configs get Durrani et al.'s λ search, ablation and minimal neuron sets.
public enum DurraniScope: String, Sendable, Codable, Hashable, CaseIterable {
    case none
    /// Only the all-layers-concatenated configs (their §5 setting).
    case concatenated
    /// Every config.
    case every

    /// Whether Durrani et al.'s analyses run on `config`.
    public func covers(_ config: ProbingConfig) -> Bool {
        self == .every || (self == .concatenated && config.layer == nil)
    }
}

/// One intervention sweep: an edit and the neuron counts k it is applied with.
public struct StudyIntervention: Sendable, Codable, Hashable, CustomStringConvertible {
    public var edit: NeuronEdit
    /// The k values; empty: 0, 10, …, D (the paper's sweep).
    public var neuronCounts: [Int]
    /// The attributes it applies to; empty: every attribute of the study.
    public var attributes: [String]

    public init(edit: NeuronEdit, neuronCounts: [Int] = [], attributes: [String] = []) {
        self.edit = edit
        self.neuronCounts = neuronCounts
        self.attributes = attributes
    }

    public var description: String {
        if neuronCounts.isEmpty { return "\(edit.name), k = 0, 10, …, D" }
        let ks = neuronCounts.count > 3 ? "k = \(neuronCounts.first!)…\(neuronCounts.last!) (\(neuronCounts.count) values)"
            : "k = " + neuronCounts.map(String.init).joined(separator: ", ")
        return "\(edit.name), \(ks)"
    }
}
