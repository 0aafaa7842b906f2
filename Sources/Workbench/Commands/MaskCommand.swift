import Core
import Foundation

/// `workbench mask`: sparse interventions learned with differentiable masks (De Cao et al. 2022).
enum MaskCommand: Command {
    static let name = "mask"
    static let summary = "learn which few units a causal LM uses for number or gender (Hard Concrete masks; REINFORCE and IG baselines)"
    static let usage = """
        usage: workbench mask [options]

        Learns a sparse intervention ĥ = (1 − m) ⊙ h + m ⊙ b at one site that flips the model's choice
        between two forms — the verb's number after a subject (Lakretz et al.'s 12,000 pairs; → plural
        from singular subjects, → singular from plural ones) or he/she after a profession (Vig et
        al.) — with Hard Concrete gates m under an L0 constraint (Lagrangian), and compares it with
        REINFORCE and Integrated Gradients on the same data and step budget. Prints De Cao et al.'s
        Table 4 / Table 6 summaries, writes mask.json, report.md and figures to --out.
          workbench mask --task number --steps single --site residual:4 --train-steps 300

          --model NAME|PATH   \(DefaultModels.causal) (default), a Gemma 3 GGUF file, or an LSTM folder (workbench train-lm's output)
          --task T            number or gender (default \(defaults.task.rawValue))
          --steps S           single (edit the subject's last token) or every (every position before the target); default \(defaults.steps.rawValue)
          --site SITE         residual:L or mlp:L; on an LSTM residual:L is h, mlp:L the gates, cell:L c
                              (default: residual a quarter of the way up: 4 on Gemma 3, 1 on a 2-layer LSTM)
          --method LIST       hard-concrete, reinforce, integrated-gradients (ig), or all (default \(defaults.methods.map(\.rawValue).joined(separator: ",")))
          --direction LIST    only these directions (number: plural, singular; gender: she, he)
          --train-steps N     training steps per run (default \(MaskTrainingSettings().steps))
          --batch N           examples per step (default \(MaskTrainingSettings().batchSize))
          --alpha A           C0 ≤ A·D open gates on average (default: number \(SparseInterventionStudy.TaskName.number.defaultUnitShare), gender \(SparseInterventionStudy.TaskName.gender.defaultUnitShare))
          --gate-start G      Hard Concrete's initial location γ (default \(MaskTrainingSettings().initialLocation))
          --gate-lr R, --baseline-lr R   Adam's learning rates for γ and b (defaults \(MaskTrainingSettings().gateLearningRate), \(MaskTrainingSettings().baselineLearningRate))
          --kl W              weight of KL(p_original ‖ p_intervened) (default \(MaskTrainingSettings().klWeight.compactText); 0 = off)
          --seeds N           runs per method and direction with seeds 0…N−1 (default \(defaults.seeds))
          --held-out N        held-out examples over all directions (default: \(SparseInterventionStudy.TaskName.allCases.map { "\($0.rawValue) \($0.defaultHeldOut)" }.joined(separator: ", ")))
          --compare-rankings  also rank the site's units with Linear, Gaussian, Probeless and Random from the
                              states at the subjects, and report where the mask's units fall in each and what
                              ablating, translating or setting to b the top k ranked units flips (residual sites)
          --shared DIR        shared reference data (default: $NEURON_SHARED or ../shared)
          --out DIR           where results go (default: \(ResultsFolder.defaultPath(name)))
          --quiet             no progress bar
        """

    /// The study's settings without options (their site is chosen per model): the parsing and the
    /// usage text read the defaults here and in their `MaskTrainingSettings`.
    static let defaults = SparseInterventionStudy.Settings(site: .residual(0))

    static func run(_ arguments: inout ArgumentList) throws {
        let source = try ModelCatalog.source(try arguments.option("model") ?? DefaultModels.causal)
        let taskText = try arguments.option("task") ?? defaults.task.rawValue
        guard let task = SparseInterventionStudy.TaskName(rawValue: taskText) else { throw UsageError("--task must be number or gender, not '\(taskText)'") }
        let stepsText = try arguments.option("steps") ?? defaults.steps.rawValue
        guard let steps = InterventionSteps(rawValue: stepsText) else { throw UsageError("--steps must be single or every, not '\(stepsText)'") }
        let siteText = try arguments.option("site")
        let methodText = try arguments.option("method") ?? defaults.methods.map(\.rawValue).joined(separator: ",")
        let methods: [LearnedIntervention.Method] = try methodText == "all" ? LearnedIntervention.Method.allCases : methodText.split(separator: ",").map { text in
            let name = text.trimmingCharacters(in: .whitespaces)
            if name == "ig" { return .integratedGradients }
            guard let method = LearnedIntervention.Method(rawValue: name) else {
                throw UsageError("--method must be hard-concrete, reinforce, integrated-gradients (ig) or all, not '\(name)'")
            }
            return method
        }
        let directions = try arguments.option("direction").map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        let trainSteps = try arguments.intOption("train-steps", default: MaskTrainingSettings().steps)
        guard trainSteps >= 1 else { throw UsageError("--train-steps must be at least 1, not \(trainSteps)") }
        let batch = try arguments.intOption("batch", default: MaskTrainingSettings().batchSize)
        guard batch >= 1 else { throw UsageError("--batch must be at least 1, not \(batch)") }
        let alpha = try Double(arguments.option("alpha") ?? "\(task.defaultUnitShare)").flatMap { $0 > 0 && $0 <= 1 ? $0 : nil }
        guard let alpha else { throw UsageError("--alpha must be a share in (0, 1]") }
        let kl = try Double(arguments.option("kl") ?? "\(MaskTrainingSettings().klWeight)").flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
        guard let kl else { throw UsageError("--kl must be a weight ≥ 0") }
        let gateStart = try Double(arguments.option("gate-start") ?? "\(MaskTrainingSettings().initialLocation)").flatMap { $0.isFinite ? $0 : nil }
        guard let gateStart else { throw UsageError("--gate-start must be a number") }
        func rate(_ name: String, _ fallback: Double) throws -> Double {
            guard let value = Double(try arguments.option(name) ?? "\(fallback)"), value > 0, value.isFinite else {
                throw UsageError("--\(name) must be a positive number")
            }
            return value
        }
        let gateRate = try rate("gate-lr", MaskTrainingSettings().gateLearningRate)
        let baselineRate = try rate("baseline-lr", MaskTrainingSettings().baselineLearningRate)
        let seeds = try arguments.intOption("seeds", default: defaults.seeds)
        guard seeds >= 1 else { throw UsageError("--seeds must be at least 1, not \(seeds)") }
        let heldOutText = try arguments.option("held-out")
        let heldOut = try heldOutText.map { text -> Int in
            guard let value = Int(text), value >= 1 else { throw UsageError("--held-out must be a whole number ≥ 1, not '\(text)'") }
            return value
        }
        let shared = SharedData(root: try arguments.option("shared").map { URL(fileURLWithPath: $0, isDirectory: true) })
        let out = URL(fileURLWithPath: try arguments.option("out") ?? ResultsFolder.defaultPath(Self.name), isDirectory: true)
        let quiet = arguments.flag("quiet")
        let compareRankings = arguments.flag("compare-rankings")
        try arguments.finish()
        if compareRankings && !methods.contains(.hardConcrete) {
            throw UsageError("--compare-rankings compares the rankings with a learned mask: add hard-concrete to --method")
        }

        let (loaded, tokenizer) = try source.load()
        guard let model = loaded as? any DifferentiableLanguageModel, loaded.objective == .nextToken else {
            throw UsageError("\(source.name) (\(loaded.summary)): learned masks need a causal model with pullbacks (gemma3, a Gemma 3 GGUF or an LSTM folder)")
        }
        let site = try siteText.map(AttributeCommand.parseSite) ?? SparseInterventionStudy.defaultSite(layerCount: model.layerCount)
        try SparseInterventionStudy.check(site, model: model)
        if compareRankings, case .mlp = site {
            throw UsageError("--compare-rankings reads residual-stream states: give --site residual:L, not \(site)")
        }
        var settings = SparseInterventionStudy.Settings(site: site)
        settings.task = task
        settings.steps = steps
        settings.methods = methods
        settings.directions = directions
        settings.seeds = seeds
        settings.heldOut = heldOut
        settings.training.steps = trainSteps
        settings.training.batchSize = batch
        settings.training.unitShare = alpha
        settings.training.klWeight = kl
        settings.training.initialLocation = gateStart
        settings.training.gateLearningRate = gateRate
        settings.training.baselineLearningRate = baselineRate
        let study = SparseInterventionStudy(model: model, tokenizer: tokenizer, shared: shared, settings: settings)
        print("model   \(source.name) (\(model.summary))")
        print("task    \(task.rawValue), \(steps.rawValue)-step edits at \(site); \(methods.map(\.rawValue).joined(separator: ", ")); \(trainSteps) steps × \(batch) examples, α = \(alpha), KL weight \(kl)")
        let examples = try study.task()
        for direction in examples.directions {
            print("        → \(direction.name): \(direction.training.count) training, \(direction.heldOut.count) held-out examples")
        }
        if !examples.skipped.isEmpty { print("        left out \(examples.skipped.count): \(examples.skipped.prefix(2).joined(separator: "; "))") }
        var bar: ProgressBar?
        let runs = try study.run(examples, started: { method, direction, seed, _ in
            bar?.finish()
            let steps = method == .integratedGradients ? max(1, trainSteps / settings.training.integratedGradientSteps) * settings.training.integratedGradientSteps : trainSteps
            bar = ProgressBar("\(method.rawValue) → \(direction) seed \(seed)", total: method == .integratedGradients ? 0 : steps, unit: "steps", quiet: quiet)
        }, progress: { step in
            bar?.advance()
            if step.step % 10 == 0 && !quiet && isatty(STDERR_FILENO) == 0 {
                print(String(format: "  step %d: L_ratio %.3f, KL %.3f, expected units %.1f, λ %.2f, flipped %.0f%%",
                             step.step, step.ratio, step.divergence, step.expectedUnits, step.multiplier, 100 * step.flipped))
            }
        })
        bar?.finish()
        print("")
        print(TextTable.render(SparseInterventionReport.summaryRows(runs)))
        print("")
        print(TextTable.render(Array(SparseInterventionReport.unitRows(runs).prefix(25))))
        var comparisons: [UnitRankingComparison] = []
        if compareRankings {
            let started = Date()
            comparisons = try UnitRankingComparison.compare(runs: runs, task: examples, model: model, site: site, steps: steps,
                                                            seed: settings.training.seed) { line in if !quiet { print(line) } }
            print("")
            print(TextTable.render(UnitRankingComparison.tableRows(comparisons)))
            print(String(format: "(rankings comparison: %.0f s)", Date().timeIntervalSince(started)))
        }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(runs).write(to: out.appendingPathComponent("mask.json"), options: .atomic)
        if compareRankings {
            try encoder.encode(comparisons).write(to: out.appendingPathComponent("rankings.json"), options: .atomic)
        }
        let markdown = SparseInterventionReport.markdown(runs, settings: settings, model: "\(source.name) (\(model.summary))", task: examples)
            + (comparisons.isEmpty ? "" : "\n" + UnitRankingComparison.markdown(comparisons))
        try Data(markdown.utf8).write(to: out.appendingPathComponent("report.md"), options: .atomic)
        let figure = SparseInterventionReport.trainingFigure(runs, title: "\(source.name): \(task.rawValue), \(steps.rawValue)-step, \(site)")
        let figureFile = out.appendingPathComponent("training.svg")
        try figure.write(to: figureFile)
        // Fig. 1–2: each direction's first mask on its first held-out sentence, with and without the edit.
        var activationFiles: [String] = []
        for direction in examples.directions {
            guard let run = runs.first(where: { $0.intervention.direction == direction.name && !$0.intervention.units.isEmpty }),
                  let example = direction.heldOut.first else { continue }
            let tokens = example.ids.map { tokenizer.token(of: $0) ?? "#\($0)" }
            let chart = MaskActivationFigure.figure(run.intervention, example: example, model: model, tokens: tokens)
            let name = "activations-\(run.intervention.method.rawValue)-\(direction.name).svg"
            try chart.write(to: out.appendingPathComponent(name))
            activationFiles.append(name)
            if !quiet && run.intervention.units.count <= 8 { print("\n" + chart.terminal(width: 100, height: 16)) }
        }
        print("\nwrote \(out.path)/mask.json, report.md, training.svg" + (compareRankings ? ", rankings.json" : "")
              + activationFiles.map { ", \($0)" }.joined())
    }
}
