import Foundation
import Models

/// A sparse intervention found by one of the methods: which units of a site are replaced, and by
/// what. Applied as ĥ = (1 − m) ⊙ h + m ⊙ b with m the binary mask of `units`, through the model's
/// run loop like every other edit.
public struct LearnedIntervention: Sendable, Codable, Hashable {
    public enum Method: String, Sendable, Codable, Hashable, CaseIterable {
        /// Hard Concrete gates with L0 constraints (De Cao et al. 2022).
        case hardConcrete = "hard-concrete"
        /// Bernoulli gates trained with score-function gradients.
        case reinforce
        /// The top Integrated-Gradients units, set to a baseline.
        case integratedGradients = "integrated-gradients"
    }

    /// One training step's figures.
    public struct Step: Sendable, Codable, Hashable {
        public var step: Int
        /// Mean L_ratio and KL over the batch, expected open gates, the L0 multiplier, and the share
        /// of the batch whose ratio is below 1.
        public var ratio: Double, divergence: Double, expectedUnits: Double, multiplier: Double, flipped: Double
    }

    public var method: Method
    public var site: ModelSite
    public var steps: InterventionSteps
    /// The direction's name (`plural`, `she`).
    public var direction: String
    /// The units replaced, ascending.
    public var units: [Int]
    /// b over the whole site (only `units` are used).
    public var baseline: [Float]
    /// Per unit, the probability that its gate is open after training (Hard Concrete: P(z ≠ 0);
    /// REINFORCE: σ(θ); IG: 1 for the chosen units).
    public var openProbability: [Float]
    public var history: [Step]
    /// The first step after which the mask's units no longer changed.
    public var convergedAtStep: Int?
    public var trainingSeconds: Double
    /// The settings, as `name=value` text for reports.
    public var settings: [String: String]

    /// The binary edit on chosen rows of each sequence (rows within the sequence).
    public func edit(rows: [[Int]]) -> SiteEdit {
        let units = units, baseline = baseline
        return { state, batch in
            let width = state.columns
            for (sequence, positions) in rows.enumerated() {
                for position in positions {
                    let row = batch.starts[sequence] + position
                    for unit in units { state.scalars[row * width + unit] = baseline[unit] }
                }
            }
        }
    }
}

/// How a learned intervention does on examples it was not trained on.
public struct InterventionOutcome: Sendable, Codable, Hashable {
    public var examples: Int
    /// Share of examples whose ratio p(d)/p(t) is below 1 after the edit (De Cao et al.'s accuracy).
    public var accuracy: Double
    /// The same share without the edit (the model's own errors).
    public var uneditedShare: Double
    /// Mean KL(p_original ‖ p_intervened) over the rows the edit can change.
    public var divergence: Double
    /// Mean log p(d) − log p(t) before and after.
    public var meanLogRatioBefore: Double, meanLogRatioAfter: Double

    /// Runs the unedited and the edited model on `examples`, `batchSize` at a time.
    public static func measure(_ intervention: LearnedIntervention, on examples: [InterventionExample],
                               model: any DifferentiableLanguageModel, batchSize: Int = 32) -> InterventionOutcome {
        let run = GatedRun(model: model, site: intervention.site, steps: intervention.steps, klWeight: 1)
        let plainRun = GatedRun(model: model, site: intervention.site, steps: intervention.steps, klWeight: 0)
        let width = run.width
        var mask = [Float](repeating: 0, count: width)
        for unit in intervention.units { mask[unit] = 1 }
        let none = [Float](repeating: 0, count: width)
        var flipped = 0, flippedBefore = 0, divergence = 0.0, before = 0.0, after = 0.0
        for start in stride(from: 0, to: examples.count, by: max(1, batchSize)) {
            let chunk = Array(examples[start..<min(examples.count, start + max(1, batchSize))])
            let edited = run(chunk, gates: Array(repeating: mask, count: chunk.count).flatMap { $0 }, baseline: intervention.baseline, gradients: false)
            let plain = plainRun(chunk, gates: Array(repeating: none, count: chunk.count).flatMap { $0 }, baseline: none, gradients: false)
            flipped += edited.logRatios.filter { $0 < 0 }.count
            flippedBefore += plain.logRatios.filter { $0 < 0 }.count
            divergence += edited.divergences.reduce(0) { $0 + Double($1) }
            before += plain.logRatios.reduce(0) { $0 + Double($1) }
            after += edited.logRatios.reduce(0) { $0 + Double($1) }
        }
        let n = Double(max(1, examples.count))
        return InterventionOutcome(examples: examples.count, accuracy: Double(flipped) / n, uneditedShare: Double(flippedBefore) / n,
                                   divergence: divergence / n, meanLogRatioBefore: before / n, meanLogRatioAfter: after / n)
    }
}
