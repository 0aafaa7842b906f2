import Foundation
import Models
import Support

/// Settings shared by the methods that learn a mask: the constraint, the objective, the budget.
public struct MaskTrainingSettings: Sendable, Codable, Hashable {
    /// Training steps (one batch each): 200 keeps `Study.decao2022` (12 configs) near 2.2 h on 2 cores (its dry run).
    public var steps: Int = 200
    public var batchSize: Int = 16
    /// C0 = Σ P(m_i ≠ 0) ≤ α·D (D: the site's width). Number agreement's default; studies and
    /// `workbench mask` take each task's own (``SparseInterventionStudy/TaskName/defaultUnitShare``).
    public var unitShare: Double = 0.02
    /// C(0,1) = Σ P(0 < m_i < 1) ≤ β·D. Only used when the gate has mass at 1 (stretch r > 1): on
    /// De Cao et al.'s [0, 1) support P(0 < m < 1) = P(m ≠ 0), so it would repeat C0 with budget β.
    public var insideShare: Double = 0.01
    /// Weight of KL(p_original ‖ p_intervened); 0 switches it off.
    public var klWeight: Double = 1.0
    /// Adam's learning rates for the gate parameters and for the baseline b (b lives on the
    /// residual stream's scale: at 0.05 it barely moved in 100 steps on Gemma 3; 0.5 flipped 19% of
    /// held-out examples after 100 steps against 5.5%, with 3–4 units).
    public var gateLearningRate: Double = 0.1
    public var baselineLearningRate: Double = 0.5
    /// The Lagrange multipliers: RMSprop ascent, start 1, clamped to [0, 200] (diffmask's lr is 0.3;
    /// at our few hundred steps it overshoots — its first steps are 10× lr, RMSprop's square mean
    /// starting at 0 — and shuts gates the task needs before λ comes down, so 0.05).
    public var multiplierLearningRate: Double = 0.05
    public var initialMultiplier: Double = 1
    public var maxMultiplier: Double = 200
    /// Hard Concrete: the gate and the initial location γ (diffmask starts open at +5; we start at 0
    /// so that every gate begins half open and the constraint decides).
    public var gate = HardConcrete.deCao
    public var initialLocation: Double = 0
    /// γ is kept within ±this: a gate pushed shut early (while the constraint's multiplier
    /// overshoots) still opens in some samples, so the task's gradient can reopen it.
    public var locationBound: Double = 5
    /// REINFORCE: the moving-average baseline's decay and the logit clamp.
    public var reinforceDecay: Double = 0.99
    public var reinforceLogitClamp: Double = 10
    /// Integrated Gradients: path steps.
    public var integratedGradientSteps: Int = 20
    public var seed: UInt64 = 0

    public init() {}

    /// `name=value` for reports.
    public var described: [String: String] {
        ["steps": "\(steps)", "batch": "\(batchSize)", "alpha": "\(unitShare)", "beta": "\(insideShare)", "kl_weight": "\(klWeight)",
         "gate_lr": "\(gateLearningRate)", "baseline_lr": "\(baselineLearningRate)", "multiplier_lr": "\(multiplierLearningRate)",
         "multiplier_start": "\(initialMultiplier)", "multiplier_max": "\(maxMultiplier)",
         "tau": "\(gate.temperature)", "gamma_bound": "\(locationBound)", "l": "\(gate.lower)", "r": "\(gate.upper)", "gamma_start": "\(initialLocation)",
         "seed": "\(seed)"]
    }
}

/// A Lagrange multiplier λ ≥ 0 for a constraint g ≤ 0, updated by gradient ascent on the
/// Lagrangian (∂/∂λ = g) with RMSprop, as diffmask does: violated constraints raise λ, satisfied
/// ones lower it towards 0.
public struct LagrangeMultiplier: Sendable, Hashable {
    public private(set) var value: Double
    public var learningRate: Double
    public var maximum: Double
    private var meanSquare: Double = 0
    private let decay = 0.99, epsilon = 1e-8

    public init(value: Double, learningRate: Double, maximum: Double) {
        self.value = value
        self.learningRate = learningRate
        self.maximum = maximum
    }

    /// One ascent step for the constraint's current value g (violated when g > 0).
    public mutating func ascend(violation g: Double) {
        meanSquare = decay * meanSquare + (1 - decay) * g * g
        value = min(maximum, max(0, value + learningRate * g / (meanSquare.squareRoot() + epsilon)))
    }
}

/// Learns a sparse intervention with Hard Concrete gates (De Cao et al. 2022): min over gates and
/// b, max over λ, of mean ℓ + λ0·(C0 − α·D) + λ1·(C(0,1) − β·D). The constraints count units (not
/// shares of D): on a 640-wide residual stream a share's gradient, λ/D per gate, would need λ in the
/// hundreds to weigh against L_ratio's.
public struct HardConcreteTraining: Sendable {
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

    /// Trains on `examples` of one direction.
    ///
    /// - Parameter progress: called after each step with its figures.
    public func train(_ examples: [InterventionExample], direction: String,
                      progress: (LearnedIntervention.Step) -> Void = { _ in }) -> LearnedIntervention {
        precondition(!examples.isEmpty, "HardConcreteTraining: no examples")
        var trainer = Trainer(self)
        var generator = SplitMix64(seed: settings.seed ^ 0xDECA_0_2022)
        var batches = TrainingBatches(examples, size: settings.batchSize, generator: &generator)
        for _ in 1...max(1, settings.steps) {
            let chunk = batches.next(using: &generator)
            progress(trainer.step(chunk, using: &generator).record)
        }
        return trainer.finish(direction: direction)
    }

    /// The training's state between steps — gate locations, b, the optimisers and multipliers — and
    /// one step on a given batch (what `train` loops over; `workbench bench mask` times it).
    public struct Trainer {
        public let training: HardConcreteTraining
        let run: GatedRun
        public private(set) var location: [Float], baseline: [Float]
        var locationOptimizer: Adam, baselineOptimizer: Adam
        var unitsMultiplier: LagrangeMultiplier, insideMultiplier: LagrangeMultiplier
        public private(set) var history: [LearnedIntervention.Step] = []
        var lastUnits: [Int] = [], unitsSince = 0
        let started = Date()

        /// Where one step's time went (seconds).
        public struct Timings: Sendable, Hashable {
            /// Drawing the gates from the Hard Concrete distribution.
            public var sampling: Double = 0
            /// The objective's run, phase by phase.
            public var run = GatedRunTimings()
            /// ∂/∂γ, both Adam steps, the multipliers, the open units.
            public var optimizer: Double = 0
            public var total: Double { sampling + run.total + optimizer }
        }

        public init(_ training: HardConcreteTraining) {
            self.training = training
            let settings = training.settings
            run = GatedRun(model: training.model, site: training.site, steps: training.steps, klWeight: Float(settings.klWeight))
            let width = run.width
            location = [Float](repeating: Float(settings.initialLocation), count: width)
            baseline = [Float](repeating: 0, count: width)
            locationOptimizer = Adam(count: width, learningRate: Float(settings.gateLearningRate))
            baselineOptimizer = Adam(count: width, learningRate: Float(settings.baselineLearningRate))
            unitsMultiplier = LagrangeMultiplier(value: settings.initialMultiplier, learningRate: settings.multiplierLearningRate, maximum: settings.maxMultiplier)
            insideMultiplier = unitsMultiplier
            if settings.gate.upper <= 1 { insideMultiplier = LagrangeMultiplier(value: 0, learningRate: 0, maximum: 0) }
        }

        /// The site's width.
        public var width: Int { run.width }

        /// One step on `chunk`: gates drawn with `generator`, the objective and its gradients, the updates.
        public mutating func step(_ chunk: [InterventionExample], using generator: inout SplitMix64) -> (record: LearnedIntervention.Step, seconds: Timings) {
            let settings = training.settings, gate = settings.gate, width = run.width
            var seconds = Timings(), clock = Date()
            var gates = [Float](repeating: 0, count: chunk.count * width), derivatives = gates
            for s in 0..<chunk.count {
                for i in 0..<width {
                    let (z, dz) = gate.sample(location: Double(location[i]), uniform: generator.nextUnitDouble())
                    gates[s * width + i] = Float(z)
                    derivatives[s * width + i] = Float(dz)
                }
            }
            seconds.sampling = Date().timeIntervalSince(clock)
            let result = run(chunk, gates: gates, baseline: baseline, gradients: true)
            seconds.run = result.seconds
            clock = Date()
            // ∂/∂γ: the task loss through the samples, and the constraints' expected values.
            var locationGradient = [Float](repeating: 0, count: width)
            var expectedUnits = 0.0, expectedInside = 0.0
            for i in 0..<width {
                var g: Float = 0
                for s in 0..<chunk.count { g += result.gateGradient[s * width + i] * derivatives[s * width + i] }
                let nonZero = gate.probabilityNonZero(location: Double(location[i])), inside = gate.probabilityInside(location: Double(location[i]))
                expectedUnits += nonZero.value
                expectedInside += inside.value
                locationGradient[i] = g + Float(unitsMultiplier.value * nonZero.derivative + insideMultiplier.value * inside.derivative)
            }
            locationOptimizer.step(&location, gradient: locationGradient)
            let bound = Float(settings.locationBound)
            for i in location.indices { location[i] = min(bound, max(-bound, location[i])) }
            baselineOptimizer.step(&baseline, gradient: result.baselineGradient)
            unitsMultiplier.ascend(violation: expectedUnits - settings.unitShare * Double(width))
            if gate.upper > 1 { insideMultiplier.ascend(violation: expectedInside - settings.insideShare * Double(width)) }
            let record = LearnedIntervention.Step(step: history.count + 1, batch: result, expectedUnits: expectedUnits, multiplier: unitsMultiplier.value)
            history.append(record)
            let units = (0..<width).filter { gate.probabilityNonZero(location: Double(location[$0])).value > 0.5 }
            if units != lastUnits { lastUnits = units; unitsSince = record.step }
            seconds.optimizer = Date().timeIntervalSince(clock)
            return (record, seconds)
        }

        /// The step since which the open units have not changed.
        public var convergedAtStep: Int { unitsSince }

        /// The mask learned so far.
        public func finish(direction: String) -> LearnedIntervention {
            let gate = training.settings.gate
            let open = location.map { Float(gate.probabilityNonZero(location: Double($0)).value) }
            return LearnedIntervention(method: .hardConcrete, site: training.site, steps: training.steps, direction: direction, units: lastUnits,
                                       baseline: baseline, openProbability: open, history: history, convergedAtStep: unitsSince,
                                       trainingSeconds: Date().timeIntervalSince(started), settings: training.settings.described)
        }
    }

    /// The objective on one batch with given gates ([examples × width]) and b: the mean loss and
    /// its gradients in the gates and in b (for checks against another implementation).
    public func objective(_ examples: [InterventionExample], gates: [Float], baseline: [Float])
        -> (loss: Float, gateGradient: [Float], baselineGradient: [Float]) {
        let run = GatedRun(model: model, site: site, steps: steps, klWeight: Float(settings.klWeight))
        let result = run(examples, gates: gates, baseline: baseline, gradients: true)
        return (result.losses.reduce(0, +) / Float(max(1, examples.count)), result.gateGradient, result.baselineGradient)
    }
}
