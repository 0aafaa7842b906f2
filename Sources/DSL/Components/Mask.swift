import Core

/// Learned sparse interventions on a causal model (De Cao et al. 2022): which few units of a site,
/// replaced by a learned baseline, flip the model's choice.
///
/// `Mask(.hardConcrete, task: .number, steps: .single, site: .residual(9))`;
/// `Mask(.hardConcrete, .reinforce, .integratedGradients, task: .number, .gender, steps: .single, .every,
/// alpha: 0.01, trainSteps: 300, seeds: 3)`. Every method × task × steps × site is one config;
/// Integrated Gradients takes its unit count and baseline from the Hard Concrete config of the same
/// task, steps and site when the study has one. Settings left out are ``MaskTrainingSettings``'s
/// defaults; no site is the residual stream a quarter of the way up (block 4 of Gemma 3's 18). Several lines add up.
public struct Mask: StudyComponent {
    public static let componentName = "Mask"
    public var methods: [LearnedIntervention.Method]
    public var tasks: [SparseInterventionStudy.TaskName]
    public var steps: [InterventionSteps]
    /// Empty: the residual stream a quarter of the way up.
    public var sites: [ModelSite]
    /// nil: the default of ``MaskTrainingSettings``.
    public var trainSteps: Int?, batch: Int?, alpha: Double?, kl: Double?
    public var seeds: Int
    /// nil: number 1,000, gender 200.
    public var heldOut: Int?

    /// `Mask(.hardConcrete, .reinforce, task: .number, .gender, steps: .single, site: .residual(9))`.
    public init(_ methods: LearnedIntervention.Method..., task tasks: SparseInterventionStudy.TaskName..., steps: InterventionSteps...,
                site sites: ModelSite..., trainSteps: Int? = nil, batch: Int? = nil, alpha: Double? = nil, kl: Double? = nil,
                seeds: Int = 1, heldOut: Int? = nil) {
        self.init(methods: methods, tasks: tasks, steps: steps, sites: sites, trainSteps: trainSteps, batch: batch, alpha: alpha, kl: kl,
                  seeds: seeds, heldOut: heldOut)
    }

    /// The same from lists (empty tasks: number; empty steps: single).
    public init(methods: [LearnedIntervention.Method], tasks: [SparseInterventionStudy.TaskName] = [], steps: [InterventionSteps] = [],
                sites: [ModelSite] = [], trainSteps: Int? = nil, batch: Int? = nil, alpha: Double? = nil, kl: Double? = nil,
                seeds: Int = 1, heldOut: Int? = nil) {
        self.methods = methods
        self.tasks = tasks.isEmpty ? [.number] : tasks
        self.steps = steps.isEmpty ? [.single] : steps
        self.sites = sites
        self.trainSteps = trainSteps
        self.batch = batch
        self.alpha = alpha
        self.kl = kl
        self.seeds = seeds
        self.heldOut = heldOut
    }

    /// The line as Core records it.
    public var mask: StudyMask {
        var training = MaskTrainingSettings()
        if let trainSteps { training.steps = trainSteps }
        if let batch { training.batchSize = batch }
        if let kl { training.klWeight = kl }
        return StudyMask(methods: methods, tasks: tasks, steps: steps, sites: sites, seeds: seeds, heldOut: heldOut, training: training, unitShare: alpha)
    }

    /// Its problems are the recorded ``StudyMask``'s (``StudyDescription/problems()`` names them once).
    public func apply(to study: inout StudyDescription) { study.masks.append(mask) }

    public var description: String {
        var parts = methods.map { "." + Self.caseName($0) }
        parts.append("task: " + tasks.map { ".\($0.rawValue)" }.joined(separator: ", "))
        parts.append("steps: " + steps.map { ".\($0.rawValue)" }.joined(separator: ", "))
        if !sites.isEmpty { parts.append("site: " + sites.map(Self.siteText).joined(separator: ", ")) }
        if let trainSteps { parts.append("trainSteps: \(trainSteps)") }
        if let batch { parts.append("batch: \(batch)") }
        if let alpha { parts.append("alpha: \(alpha.compactText)") }
        if let kl { parts.append("kl: \(kl.compactText)") }
        if seeds != 1 { parts.append("seeds: \(seeds)") }
        if let heldOut { parts.append("heldOut: \(heldOut)") }
        return "Mask(" + parts.joined(separator: ", ") + ")"
    }

    /// The method as a script spells it (`hardConcrete`).
    public static func caseName(_ method: LearnedIntervention.Method) -> String {
        switch method {
        case .hardConcrete: return "hardConcrete"
        case .reinforce: return "reinforce"
        case .integratedGradients: return "integratedGradients"
        }
    }

    /// `.residual(9)`, `.mlp(3)`, `.cell(1)`.
    static func siteText(_ site: ModelSite) -> String {
        switch site {
        case .residual(let layer): return ".residual(\(layer))"
        case .mlp(let layer): return ".mlp(\(layer))"
        case .cell(let layer): return ".cell(\(layer))"
        }
    }
}
