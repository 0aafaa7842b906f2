import Foundation
import Corpora

/// One probing config: a model's layer (or all layers side by side) for one language's attribute.
public struct ProbingConfig: Sendable, Codable, Hashable {
    public var model: String
    public var language: String
    public var attribute: String
    /// The hidden state probed; nil for all layers concatenated (Durrani et al. §5).
    public var layer: Int?

    public init(model: String, language: String, attribute: String, layer: Int?) {
        self.model = model
        self.language = language
        self.attribute = attribute
        self.layer = layer
    }

    /// "English Number L4" / "English Number all-layers".
    public var name: String { "\(language) \(attribute) " + (layer.map { "L\($0)" } ?? "all-layers") }
    /// An identifier (part of result cache keys).
    public var identifier: String {
        "\(model)-\(language)-\(attribute)-" + (layer.map { "L\($0)" } ?? "all")
    }
    /// The identifier as a file name: no spaces (`…-Gender_and_Noun_Class-L2`).
    public var fileStem: String { identifier.replacingOccurrences(of: " ", with: "_") }
}

/// Everything computed for one config, with the provenance needed to reproduce it.
public struct ConfigResult: Sendable, Codable {
    public var config: ProbingConfig
    public var labels: [String]
    /// Examples per split.
    public var examples: SplitCounts
    public var neuronCount: Int
    /// Every ranking by name ("linear", "gaussian", "probeless", "random", "linear-mass"), best first.
    public var rankings: [String: [Int]]
    /// Each ranking's score per neuron (indexed by neuron), where the method has one
    /// (linear: mean |weight|; probeless: Σ|q(z) − q(z')|).
    public var rankingScores: [String: [Double]]? = nil
    /// Mutual information (bits, dev) after each greedy Gaussian step.
    public var gaussianMutualInformation: [Double]
    /// Accuracy curves for each classifier × ranking (7 rankings: 3 top-to-bottom, 3 bottom-to-top, random).
    public var curves: [AccuracyCurve]
    /// Durrani et al.'s analyses, when run.
    public var durrani: DurraniSummary?
    /// Test accuracy of each classifier on all neurons.
    public var fullAccuracy: [String: Double]
    public var provenance: ResultProvenance

    /// The curve of one classifier–ranking combination.
    public func curve(_ classifier: ProbeKind, _ ranking: String) -> AccuracyCurve? {
        curves.first { $0.classifier == classifier && $0.ranking == ranking }
    }
}

