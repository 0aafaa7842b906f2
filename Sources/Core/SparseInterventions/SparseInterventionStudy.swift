import Foundation
import Corpora
import Models

/// De Cao et al.'s experiment on one model: a task's directions, one site, single- or every-step
/// edits, each method trained on the direction's training examples for every seed and measured on
/// its held-out examples (behind `workbench mask`).
public struct SparseInterventionStudy: Sendable {
    public enum TaskName: String, Sendable, Codable, Hashable, CaseIterable {
        /// Lakretz et al.'s number-agreement pairs.
        case number
        /// Vig et al.'s professions, he vs she.
        case gender

        /// Held-out examples over all directions when ``Settings/heldOut`` is nil (the paper: 1,000
        /// of 12,000 for number, 200 for gender).
        public var defaultHeldOut: Int {
            switch self {
            case .number: return 1000
            case .gender: return 200
            }
        }

        /// α (``MaskTrainingSettings/unitShare``) when none is given. Number: 0.02. Gender: 0.1 — at
        /// 0.02 the constraint's multiplier shut every gate of Gemma 3's residual 4 before the baseline
        /// b had learned anything (no unit, 0% flipped, in both directions); at 0.1 the → she mask
        /// settled on one unit (README: the sweep).
        public var defaultUnitShare: Double {
            switch self {
            case .number: return MaskTrainingSettings().unitShare
            case .gender: return 0.1
            }
        }
    }

    public struct Settings: Sendable, Codable, Hashable {
        public var task: TaskName = .number
        public var steps: InterventionSteps = .single
        public var site: ModelSite
        public var methods: [LearnedIntervention.Method] = [.hardConcrete]
        /// Directions to run (all when empty).
        public var directions: [String] = []
        /// Seeds 0..<seeds (each trains a fresh mask).
        public var seeds: Int = 1
        /// Held-out examples over all directions (the paper: 1,000 of 12,000 for number, 200 for gender).
        public var heldOut: Int?
        public var training = MaskTrainingSettings()
        /// IG's units: as many as the Hard Concrete mask of the same seed found (its baseline used
        /// too), else this many with a zero baseline.
        public var integratedGradientUnits: Int = 5

        public init(site: ModelSite) { self.site = site }
    }

    /// One method × direction × seed.
    public struct Run: Sendable, Codable, Hashable {
        public var seed: Int
        public var intervention: LearnedIntervention
        public var outcome: InterventionOutcome
        public var trainingExamples: Int
    }

    public let model: any DifferentiableLanguageModel
    public let tokenizer: any Tokenizer
    public let shared: SharedData
    public var settings: Settings

    public init(model: any DifferentiableLanguageModel, tokenizer: any Tokenizer, shared: SharedData, settings: Settings) {
        self.model = model
        self.tokenizer = tokenizer
        self.shared = shared
        self.settings = settings
    }

    /// The task's examples (gender asks the unedited model which pronoun it prefers).
    public func task() throws -> InterventionTask {
        switch settings.task {
        case .number:
            let pairs = try AgreementStimuli.lakretz(folder: shared.root.appendingPathComponent("agreement/lakretz2019"))
            return try InterventionTask.numberAgreement(pairs, tokenizer: tokenizer, maxLength: model.maxSequenceLength,
                                                        heldOut: settings.heldOut ?? settings.task.defaultHeldOut, seed: settings.training.seed)
        case .gender:
            let (templates, professions) = try InterventionTask.genderFiles(folder: shared.root.appendingPathComponent("gender/vig2020"))
            let plain = GatedRun(model: model, site: settings.site, steps: .single, klWeight: 0)
            return try InterventionTask.gender(templates: templates, professions: professions, tokenizer: tokenizer,
                                               maxLength: model.maxSequenceLength, heldOut: settings.heldOut ?? settings.task.defaultHeldOut,
                                               seed: settings.training.seed) { examples in
                var prefersHe: [Bool] = []
                for start in stride(from: 0, to: examples.count, by: 64) {
                    let chunk = Array(examples[start..<min(examples.count, start + 64)])
                    let zeros = [Float](repeating: 0, count: chunk.count * plain.width)
                    prefersHe += plain(chunk, gates: zeros, baseline: [Float](repeating: 0, count: plain.width), gradients: false).logRatios.map { $0 > 0 }
                }
                return prefersHe
            }
        }
    }


    /// The site a study uses when none is named: the residual stream a quarter of the way up. On
    /// Gemma 3 270M (18 blocks), number, → plural, 150 steps, α = 0.02: residual 4 flipped 61.8% of
    /// 492 held-out examples with 4 units, residual 9 40.0% with 3, residual 13 6.9% with 4.
    public static func defaultSite(layerCount: Int) -> ModelSite { .residual(max(1, layerCount / 4)) }

    /// Validates the site against the model (a recurrent model's cell states are sites too).
    public static func check(_ site: ModelSite, model: any LanguageModel) throws {
        switch site {
        case .residual(let layer) where (0...model.layerCount).contains(layer): return
        case .mlp(let layer) where (1...max(1, model.layerCount)).contains(layer): return
        case .cell(let layer) where model.isRecurrent && (1...max(1, model.layerCount)).contains(layer): return
        default: throw UnitAttribution.AttributionError.siteOutOfRange(site, layerCount: model.layerCount)
        }
    }

    /// Every method on every chosen direction and seed.
    ///
    /// - Parameters:
    ///   - earlier: Hard Concrete runs trained before (a study's other config), whose unit count
    ///     and baseline IG takes for the same direction and seed when this run trains none.
    ///   - started: called before each run with (method, direction, seed, training examples).
    ///   - progress: called after each training step.
    public func run(_ task: InterventionTask, hardConcrete earlier: [Run] = [],
                    started: (LearnedIntervention.Method, String, Int, Int) -> Void = { _, _, _, _ in },
                    progress: (LearnedIntervention.Step) -> Void = { _ in }) throws -> [Run] {
        try Self.check(settings.site, model: model)
        let directions = task.directions.filter { settings.directions.isEmpty || settings.directions.contains($0.name) }
        guard !directions.isEmpty else {
            throw InterventionTask.TaskError.noExamples("no direction named \(settings.directions.joined(separator: ", ")); \(task.name) has \(task.directions.map(\.name).joined(separator: ", "))")
        }
        var runs: [Run] = []
        for direction in directions {
            guard !direction.training.isEmpty, !direction.heldOut.isEmpty else {
                throw InterventionTask.TaskError.noExamples("direction → \(direction.name) has \(direction.training.count) training and \(direction.heldOut.count) held-out examples")
            }
            for seed in 0..<max(1, settings.seeds) {
                var training = settings.training
                training.seed = settings.training.seed &+ UInt64(seed)
                var hardConcrete = earlier.first { $0.seed == seed && $0.intervention.direction == direction.name
                    && $0.intervention.method == .hardConcrete }?.intervention
                for method in settings.methods {
                    started(method, direction.name, seed, direction.training.count)
                    let learned: LearnedIntervention
                    switch method {
                    case .hardConcrete:
                        learned = HardConcreteTraining(model: model, site: settings.site, steps: settings.steps, settings: training)
                            .train(direction.training, direction: direction.name, progress: progress)
                        hardConcrete = learned
                    case .reinforce:
                        learned = ReinforceTraining(model: model, site: settings.site, steps: settings.steps, settings: training)
                            .train(direction.training, direction: direction.name, progress: progress)
                    case .integratedGradients:
                        learned = IntegratedGradientsSelection(model: model, site: settings.site, steps: settings.steps, settings: training)
                            .select(direction.training, direction: direction.name,
                                    count: hardConcrete.map { max(1, $0.units.count) } ?? settings.integratedGradientUnits,
                                    baseline: hardConcrete?.baseline)
                    }
                    let outcome = InterventionOutcome.measure(learned, on: direction.heldOut, model: model)
                    runs.append(Run(seed: seed, intervention: learned, outcome: outcome, trainingExamples: direction.training.count))
                }
            }
        }
        return runs
    }
}
