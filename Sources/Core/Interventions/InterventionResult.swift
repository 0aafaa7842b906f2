import Foundation

/// How β was chosen on dev (Antverg & Belinkov §4.4.2: CLWV high, error − CLWV small).
public struct BetaSelection: Sendable, Codable, Hashable {
    public var split: String
    public var candidates: [Double]
    /// Per candidate: mean over the top-to-bottom rankings of CLWV − (error − CLWV) at saturation
    /// (at the last tick when a curve never saturates).
    public var scores: [Double]
    public var chosen: Double
    public var criterion: String
}

/// One config's intervention sweep: error rate and CLWV against k for every ranking.
public struct InterventionResult: Sendable, Codable {
    public var model: String
    public var language: String
    public var attribute: String
    public var layer: Int
    public var edit: NeuronEdit
    /// The split intervened on (`test`, or `dev` in a β sweep).
    public var split: String
    /// `pretrained masked-LM head` or ``ReadoutHead/label``.
    public var head: String
    /// Held-out token reproduction of a fitted head.
    public var headHeldOutAccuracy: Double?
    /// The analyser behind every CLWV number.
    public var analyser: String
    public var labels: [String]
    public var sentences: Int
    public var words: Int
    public var curves: [InterventionCurve]
    /// Distinct wrong predictions over the sweep, and how many of them the analyser could not analyse.
    public var distinctWrongPredictions: Int
    public var unanalysedPredictions: Int
    public var betaSelection: BetaSelection?
    /// Tokens through the upper layers per second during the sweep.
    public var sentencesPerSecond: Double
    public var provenance: InterventionProvenance

    /// `English Number layer 2`.
    public var configName: String { "\(language) \(attribute) layer \(layer)" }

    /// `ablate`, `translate β=8`, `translate-unscaled β=8`.
    public var editName: String { edit.name }
}
