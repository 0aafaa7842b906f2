import Foundation
import Analysis
import Models
import Support
import Storage

extension StudyRunner {
    /// Where a mask config's result is cached: named by the hash of the model's and the task's
    /// files, the config's settings, the Hard Concrete config an IG config follows, and the version.
    func maskCacheFile(_ planned: PlannedConfig, work: MaskWork, plan: StudyPlan) throws -> URL {
        if plan.data.sourceHashes["mask model"] == nil {
            plan.data.sourceHashes["mask model"] = [try ModelSource(url: plan.modelFolder).contentHash()]   // hashed once per run
        }
        let taskKey = "mask \(work.task.rawValue)"
        if plan.data.sourceHashes[taskKey] == nil { plan.data.sourceHashes[taskKey] = [try MaskData.contentHash(work.task, shared: options.shared)] }
        var parts = plan.data.sourceHashes["mask model"]! + plan.data.sourceHashes[taskKey]! + [String(describing: work.settings), BuildInfo.version]
        if let companion = hardConcreteCompanion(of: planned, in: plan) {
            parts.append(try maskCacheFile(companion, work: companion.work.mask!, plan: plan).lastPathComponent)
        }
        return resultCache.appendingPathComponent("masks/\(planned.identifier)-\(ContentHash.combine(parts)).json")
    }

    /// For an Integrated Gradients config, the plan's Hard Concrete config of the same task, steps
    /// and site (IG selects as many units as it found, with its baseline); nil otherwise.
    func hardConcreteCompanion(of planned: PlannedConfig, in plan: StudyPlan) -> PlannedConfig? {
        guard let work = planned.work.mask, work.method == .integratedGradients else { return nil }
        return plan.configs.first { $0.work.mask == work.hardConcreteCompanion }
    }

    /// One mask config's result, read from the result cache when the same model, data and settings
    /// ran before and the checksum holds, else trained now (the model loaded once per run) and stored.
    func maskResult(_ planned: PlannedConfig, work: MaskWork, plan: StudyPlan,
                    log: (String) -> Void) throws -> (result: MaskConfigResult, cached: Bool) {
        var earlier: [SparseInterventionStudy.Run] = []
        if let companion = hardConcreteCompanion(of: planned, in: plan) {
            earlier = try maskResult(companion, work: companion.work.mask!, plan: plan, log: log).result.runs
        }
        let file = try maskCacheFile(planned, work: work, plan: plan)
        let (result, cached) = try CachedResult.value(at: file, log: log) { () throws -> MaskConfigResult in
            let started = Date()
            let (model, tokenizer) = try maskModel(plan, log: log)
            let study = SparseInterventionStudy(model: model, tokenizer: tokenizer, shared: options.shared, settings: work.settings)
            let task = try study.task()
            let runs = try study.run(task, hardConcrete: earlier, started: { method, direction, seed, examples in
                log("  \(planned.name): → \(direction), seed \(seed), \(examples) training examples")
            }, progress: { step in
                if step.step % 100 == 0 {
                    log(String(format: "    step %d: L_ratio %.3f, KL %.3f, expected units %.1f, flipped %.0f%%",
                               step.step, step.ratio, step.divergence, step.expectedUnits, 100 * step.flipped))
                }
            })
            // Beyond the paper: do the encoding rankings find the units the mask uses?
            var rankings: [UnitRankingComparison]? = nil
            if work.method == .hardConcrete, case .residual = work.site {
                rankings = try UnitRankingComparison.compare(runs: runs, task: task, model: model, site: work.site, steps: work.steps,
                                                             seed: work.training.seed) { log("  \(planned.name): \($0)") }
            }
            // Fig. 1–2: each direction's first mask with units on its first held-out sentence.
            let activations: [MaskActivationTraces] = task.directions.compactMap { direction in
                guard let run = runs.first(where: { $0.intervention.direction == direction.name && !$0.intervention.units.isEmpty }),
                      let example = direction.heldOut.first else { return nil }
                return MaskActivationFigure.record(run.intervention, seed: run.seed, example: example, model: model,
                                                   tokens: example.ids.map { tokenizer.token(of: $0) ?? "#\($0)" })
            }
            return MaskConfigResult(work: work, model: "\(plan.modelFolder.deletingPathExtension().lastPathComponent) (\(model.summary))",
                                    directions: task.directions.map { .init(name: $0.name, training: $0.training.count, heldOut: $0.heldOut.count) },
                                    skipped: task.skipped.count, runs: runs, rankings: rankings, activations: activations,
                                    seconds: Date().timeIntervalSince(started),
                                    tool: BuildInfo.tool)
        }
        return (result, cached)
    }

    /// The study's causal model with pullbacks and its tokenizer (``studyModel(_:log:)``).
    func maskModel(_ plan: StudyPlan, log: (String) -> Void) throws -> (any DifferentiableLanguageModel, any Tokenizer) {
        let (loaded, tokenizer) = try studyModel(plan, log: log)
        guard let model = loaded as? any DifferentiableLanguageModel, loaded.objective == .nextToken else {
            throw StudyError.unsupportedModel(name: plan.study.model ?? plan.modelFolder.lastPathComponent,
                                              reason: "\(loaded.summary): Mask needs a causal model with pullbacks (Gemma 3 in this version)")
        }
        return (model, tokenizer)
    }

    /// The study's model and tokenizer, loaded on first use and kept for the rest of the run.
    func studyModel(_ plan: StudyPlan, log: (String) -> Void) throws -> (model: any LanguageModel, tokenizer: any Tokenizer) {
        if let loaded = plan.data.model { return loaded }
        let source = try ModelSource(url: plan.modelFolder)
        log("loading \(source.name) (once for this run)")
        let loaded = try source.load()
        plan.data.model = loaded
        return loaded
    }
}
