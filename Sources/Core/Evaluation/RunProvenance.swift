import Foundation
import Corpora
import Support

/// Where a probing or intervention result came from: the tool that made it, the model and the
/// activations read, the treebanks and their split recipe, the settings, when and in how long.
///
/// One record for every kind of result; the fields one kind has and another lacks are optional and
/// left out of the JSON when absent.
public struct RunProvenance<Settings: Sendable & Codable>: Sendable, Codable {
    public var tool: String
    /// ISO 8601, when the result was made.
    public var created: String
    public var seconds: Double
    public var modelPath: String
    public var modelHash: String
    /// The activation cache folder (or a user's array file) the rows came from.
    public var activationCache: String
    /// The fitted readout head's file (intervention results on a model without a masked-LM head).
    public var readoutHead: String?
    public var treebanks: [String]
    /// The CoNLL-U files (probing results).
    public var files: [String]?
    /// The split recipe (``DatasetProvenance/split``).
    public var split: String
    /// The control task, or `none` (probing results).
    public var controlTask: String?
    public var settings: Settings

    public init(tool: String = BuildInfo.tool, created: String, seconds: Double, modelPath: String, modelHash: String,
                activationCache: String, readoutHead: String? = nil, treebanks: [String], files: [String]? = nil, split: String,
                controlTask: String? = nil, settings: Settings) {
        self.tool = tool
        self.created = created
        self.seconds = seconds
        self.modelPath = modelPath
        self.modelHash = modelHash
        self.activationCache = activationCache
        self.readoutHead = readoutHead
        self.treebanks = treebanks
        self.files = files
        self.split = split
        self.controlTask = controlTask
        self.settings = settings
    }

    /// The provenance of a result made from `origin`'s activations of `dataset`, by this build.
    public init(origin: ActivationOrigin, dataset: DatasetProvenance, settings: Settings, created: Date? = nil, seconds: Double = 0,
                readoutHead: String? = nil, files: [String]? = nil, controlTask: String? = nil) {
        self.init(created: created.map { ISO8601DateFormatter().string(from: $0) } ?? "", seconds: seconds,
                  modelPath: origin.modelPath, modelHash: origin.modelHash, activationCache: origin.location,
                  readoutHead: readoutHead, treebanks: dataset.treebanks, files: files, split: dataset.split,
                  controlTask: controlTask, settings: settings)
    }
}

extension RunProvenance: Hashable where Settings: Hashable {}
extension RunProvenance: Equatable where Settings: Equatable {}

/// A probing config's provenance.
public typealias ResultProvenance = RunProvenance<ConfigProbing.Settings>
/// An intervention sweep's provenance.
public typealias InterventionProvenance = RunProvenance<InterventionStudy.Settings>
