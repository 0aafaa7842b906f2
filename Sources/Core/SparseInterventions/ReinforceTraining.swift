import Foundation
import Models
import Support

/// The score-function baseline of De Cao et al.'s Table 6: Bernoulli gates m_i ~ Bern(σ(θ_i)),
/// θ clamped to ±10, trained with REINFORCE — ∂/∂θ_i ≈ (ℓ − b̄)·(m_i − σ(θ_i)) per example, b̄ a
/// moving average of ℓ — under the same L0 constraint (C0 = Σ σ(θ_i) ≤ α·D, Lagrangian, λ·(C0 − α·D)); b is
/// trained through the edit, as for the Hard Concrete gates.
public struct ReinforceTraining: Sendable {
    public let model: any DifferentiableLanguageModel
    public let site: ModelSite
    public let steps: InterventionSteps
    public var settings: MaskTrainingSettings

    public init(model: any DifferentiableLanguageModel, site: ModelSite, steps: InterventionSteps, settings: MaskTrainingSettings = .init()) {
        self.model = model
        self.site = site
        self.steps = steps
        self.settings = settings
    }

    /// The score-function estimate of ∂E[ℓ]/∂θ from sampled gates and their losses:
    /// mean over samples of (ℓ − b̄)·(m − σ(θ)).
    public static func scoreFunctionGradient(logits: [Float], samples: [[Float]], losses: [Float], baseline: Float) -> [Float] {
        var gradient = [Float](repeating: 0, count: logits.count)
        for (sample, loss) in zip(samples, losses) {
            for i in logits.indices {
                let p = Float(sigmoid(Double(logits[i])))
                gradient[i] += (loss - baseline) * (sample[i] - p)
            }
        }
        return gradient.map { $0 / Float(max(1, samples.count)) }
    }

    public func train(_ examples: [InterventionExample], direction: String,
                      progress: (LearnedIntervention.Step) -> Void = { _ in }) -> LearnedIntervention {
        precondition(!examples.isEmpty, "ReinforceTraining: no examples")
        let run = GatedRun(model: model, site: site, steps: steps, klWeight: Float(settings.klWeight))
        let width = run.width, clamp = Float(settings.reinforceLogitClamp)
        var logits = [Float](repeating: 0, count: width)
        var baseline = [Float](repeating: 0, count: width)
        var logitOptimizer = Adam(count: width, learningRate: Float(settings.gateLearningRate))
        var baselineOptimizer = Adam(count: width, learningRate: Float(settings.baselineLearningRate))
        var multiplier = LagrangeMultiplier(value: settings.initialMultiplier, learningRate: settings.multiplierLearningRate, maximum: settings.maxMultiplier)
        var movingLoss: Float? = nil
        var generator = SplitMix64(seed: settings.seed ^ 0x4E1F_0_2022)
        var batches = TrainingBatches(examples, size: settings.batchSize, generator: &generator)
        var history: [LearnedIntervention.Step] = []
        var lastUnits: [Int] = [], unitsSince = 0
        let started = Date()
        for step in 1...max(1, settings.steps) {
            let chunk = batches.next(using: &generator)
            let probabilities = logits.map { Float(sigmoid(Double($0))) }
            let samples: [[Float]] = chunk.map { _ in probabilities.map { generator.nextUnitDouble() < Double($0) ? 1 : 0 } }
            let result = run(chunk, gates: samples.flatMap { $0 }, baseline: baseline, gradients: true)
            let meanLoss = result.losses.reduce(0, +) / Float(chunk.count)
            let reference = movingLoss ?? meanLoss
            var gradient = Self.scoreFunctionGradient(logits: logits, samples: samples, losses: result.losses, baseline: reference)
            movingLoss = Float(settings.reinforceDecay) * reference + Float(1 - settings.reinforceDecay) * meanLoss
            var expectedUnits = 0.0
            for i in 0..<width {
                let p = Double(probabilities[i])
                expectedUnits += p
                gradient[i] += Float(multiplier.value * p * (1 - p))
            }
            logitOptimizer.step(&logits, gradient: gradient)
            for i in logits.indices { logits[i] = min(clamp, max(-clamp, logits[i])) }
            baselineOptimizer.step(&baseline, gradient: result.baselineGradient)
            multiplier.ascend(violation: expectedUnits - settings.unitShare * Double(width))
            let record = LearnedIntervention.Step(step: step, batch: result, expectedUnits: expectedUnits, multiplier: multiplier.value)
            history.append(record)
            progress(record)
            let units = (0..<width).filter { logits[$0] > 0 }
            if units != lastUnits { lastUnits = units; unitsSince = step }
        }
        return LearnedIntervention(method: .reinforce, site: site, steps: steps, direction: direction, units: lastUnits, baseline: baseline,
                                   openProbability: logits.map { Float(sigmoid(Double($0))) }, history: history, convergedAtStep: unitsSince,
                                   trainingSeconds: Date().timeIntervalSince(started), settings: settings.described)
    }
}

/// The attribution baseline of De Cao et al.'s Table 6: Integrated Gradients of log p(d) − log p(t)
/// at the edit rows (zero baseline, the rows' states scaled by α at the midpoints of `steps`
/// intervals), h ⊙ mean gradient summed over training examples; the `count` units with the largest
/// attribution (they push towards d) are replaced — by zero, or by a given baseline (for instance
/// the Hard Concrete run's b). The step budget counts gradient evaluations: `budget` batches'
/// worth, so IG sees budget / steps batches.
public struct IntegratedGradientsSelection: Sendable {
    public let model: any DifferentiableLanguageModel
    public let site: ModelSite
    public let steps: InterventionSteps
    public var settings: MaskTrainingSettings

    public init(model: any DifferentiableLanguageModel, site: ModelSite, steps: InterventionSteps, settings: MaskTrainingSettings = .init()) {
        self.model = model
        self.site = site
        self.steps = steps
        self.settings = settings
    }

    /// Attribution per unit, summed over the examples seen within the budget.
    public func attributions(_ examples: [InterventionExample]) -> [Double] {
        let run = GatedRun(model: model, site: site, steps: steps, klWeight: 0, objective: .logRatioSum)
        let width = run.width, pathSteps = max(1, settings.integratedGradientSteps)
        var generator = SplitMix64(seed: settings.seed ^ 0x16_0_2022)
        let order = examples.indices.shuffled(using: &generator)
        let batches = max(1, settings.steps / pathSteps)
        var total = [Double](repeating: 0, count: width)
        let batch = min(settings.batchSize, examples.count)
        for b in 0..<batches {
            let chunk = (0..<batch).map { examples[order[(b * batch + $0) % order.count]] }
            // Scaling h by α is the gated edit with m = 1 − α and b = 0; ∂/∂(αh) = ∂/∂ĥ.
            let zero = [Float](repeating: 0, count: width)
            for k in 0..<pathSteps {
                let alpha = (Float(k) + 0.5) / Float(pathSteps)
                let result = run(chunk, gates: [Float](repeating: 1 - alpha, count: chunk.count * width), baseline: zero, gradients: true)
                for row in 0..<(result.editedRowGradient.count / width) {
                    for i in 0..<width {
                        total[i] += Double(result.editedRowsBefore[row * width + i]) * Double(result.editedRowGradient[row * width + i]) / Double(pathSteps)
                    }
                }
            }
        }
        return total
    }

    /// The `count` units with the largest attribution, replaced by `baseline` (zero when nil).
    public func select(_ examples: [InterventionExample], direction: String, count: Int, baseline: [Float]? = nil) -> LearnedIntervention {
        let started = Date()
        let scores = attributions(examples)
        let units = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(max(0, count)).sorted()
        var open = [Float](repeating: 0, count: scores.count)
        for unit in units { open[unit] = 1 }
        var described = settings.described
        described["ig_baseline"] = baseline == nil ? "zero" : "learned"
        return LearnedIntervention(method: .integratedGradients, site: site, steps: steps, direction: direction, units: Array(units),
                                   baseline: baseline ?? [Float](repeating: 0, count: scores.count), openProbability: open, history: [],
                                   convergedAtStep: nil, trainingSeconds: Date().timeIntervalSince(started), settings: described)
    }
}
