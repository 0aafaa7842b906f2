import Core
import Foundation

/// `workbench bench mask`: the Hard Concrete training step of `workbench mask` (number, single-step,
/// → plural, the default site and settings) on one batch, beside the same step in PyTorch autograd
/// on the same batch in the same run (checked first: the objective and its gradients in every gate
/// and in b at the same gates); then the whole single-step number run (`workbench mask`'s defaults:
/// every direction, its training to the step budget and its held-out measure), with the time to
/// convergence (the step since which the open units have not changed).
struct MaskBenchmark {
    /// `gemma3` or an LSTM folder (`lstm` is the one `workbench train-lm` writes to the model cache).
    var models: [String]
    var shared: SharedData
    var python: String?
    var threads: Int
    var repeats: Int
    /// Steps per timed round.
    var steps: Int
    /// Training steps of the whole run (nil: skip it).
    var trainSteps: Int?

    static let lstmFolder = ModelCatalog.modelsRoot.appendingPathComponent("lstm-treebanks").path

    func run() throws {
        BLAS.setThreadCount(threads)
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels; both sides \(threads) threads; "
              + "load average \(loadAverage()) at the start")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-bench-mask-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var summary: [[String]] = [["model", "ours s/step", "PyTorch s/step", "PyTorch / ours", "loss Δ", "∂m cosine", "∂b cosine",
                                    "whole run", "converged at"]]
        for name in models { summary.append(try bench(name, work: work)) }
        print("")
        print(TextTable.render(summary))
        print("per step: each side's best of \(repeats) rounds of \(steps) steps on the same batch, the rounds alternating (ours, PyTorch, …); "
              + "load average \(loadAverage()) at the end")
    }

    func bench(_ name: String, work: URL) throws -> [String] {
        let source = try ModelCatalog.source(name == "lstm" ? Self.lstmFolder : name)
        let (loaded, tokenizer) = try source.load()
        guard let model = loaded as? any DifferentiableLanguageModel, loaded.objective == .nextToken else {
            throw UsageError("bench mask: \(source.name) is not a causal model with pullbacks")
        }
        var anchor: [String: Any]
        switch source {
        case .gguf(let file): anchor = ["kind": "gemma3", "gguf": file.path]
        default:
            guard model.isRecurrent, model.layerCount == 2 else { throw UsageError("bench mask: the PyTorch anchor takes gemma3 or a 2-layer LSTM folder, not \(source.name)") }
            anchor = ["kind": "lstm", "folder": name == "lstm" ? Self.lstmFolder : name]
        }
        var settings = SparseInterventionStudy.Settings(site: SparseInterventionStudy.defaultSite(layerCount: model.layerCount))
        settings.task = .number
        settings.steps = .single
        if let trainSteps { settings.training.steps = trainSteps }
        let study = SparseInterventionStudy(model: model, tokenizer: tokenizer, shared: shared, settings: settings)
        let task = try study.task()
        guard let direction = task.directions.first(where: { $0.name == "plural" }), direction.training.count >= settings.training.batchSize else {
            throw UsageError("bench mask: \(source.name) has too few → plural training examples")
        }
        var generator = SplitMix64(seed: 2022)
        let batch = Array(direction.training.shuffled(using: &generator).prefix(settings.training.batchSize))
        let training = HardConcreteTraining(model: model, site: settings.site, steps: .single, settings: settings.training)
        let width = HardConcreteTraining.Trainer(training).width
        print("")
        print("\(name)  \(model.summary); number, single-step edit at \(settings.site), → plural; a batch of \(batch.count) of its "
              + "\(direction.training.count) training examples (\(batch.map(\.ids.count).min()!)–\(batch.map(\.ids.count).max()!) tokens); "
              + "width \(width); KL over the changed rows, full vocabulary (\(model.vocabularySize))")

        // The check: the objective and its gradients at the same gates (Hard Concrete draws at γ = 0) and a seeded b.
        let gate = settings.training.gate
        let gates = (0..<(batch.count * width)).map { _ in Float(gate.sample(location: 0, uniform: generator.nextUnitDouble()).gate) }
        let baseline = (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }
        let reference = training.objective(batch, gates: gates, baseline: baseline)
        var server: AnchorServer?
        var lossGap: Double?, gateCosine: Double?, baselineCosine: Double?
        if let python {
            anchor["layer"] = settings.site.layer
            anchor["ids"] = batch.map(\.ids)
            anchor["edit_rows"] = batch.map(\.subjectRow)
            anchor["preferred"] = batch.map(\.preferred)
            anchor["alternative"] = batch.map(\.alternative)
            anchor["gates"] = gates.map(Double.init)
            anchor["baseline"] = baseline.map(Double.init)
            let t = settings.training
            anchor["settings"] = ["tau": t.gate.temperature, "l": t.gate.lower, "r": t.gate.upper, "gate_lr": t.gateLearningRate,
                                  "baseline_lr": t.baselineLearningRate, "alpha": t.unitShare, "multiplier_lr": t.multiplierLearningRate,
                                  "multiplier_start": t.initialMultiplier, "multiplier_max": t.maxMultiplier, "kl_weight": t.klWeight,
                                  "gamma_start": t.initialLocation, "gamma_bound": t.locationBound]
            let input = work.appendingPathComponent("\(anchor["kind"]!).json")
            try JSONSerialization.data(withJSONObject: anchor).write(to: input)
            print("PyTorch    loading the same model and batch (autograd) …")
            server = try AnchorServer(python: python, script: "scripts/bench_mask_pytorch.py",
                                      arguments: ["--input", input.path, "--threads", String(threads), "--steps", String(steps)])
            if let result = server?.read(), let loss = result["loss"] as? Double,
               let gateGradient = result["gate_gradient"] as? [Double], let baselineGradient = result["baseline_gradient"] as? [Double] {
                lossGap = abs(loss - Double(reference.loss))
                gateCosine = cosine(reference.gateGradient.map(Double.init), gateGradient)
                baselineCosine = cosine(reference.baselineGradient.map(Double.init), baselineGradient)
                print(String(format: "check      loss: ours %.6f, PyTorch %.6f; cosine of ∂loss/∂m %.6f, of ∂loss/∂b %.6f (loaded in %.0f s)",
                             reference.loss, loss, gateCosine!, baselineCosine!, result["load_seconds"] as? Double ?? 0))
            } else if let failed = server {
                print("PyTorch    failed to load (exit \(failed.close()))")
                server = nil
            }
        }

        // Steps on the same batch, rounds alternating.
        var trainer = HardConcreteTraining.Trainer(training)
        _ = trainer.step(batch, using: &generator)   // warm-up
        var ours = Double.infinity, torch: Double?
        var fastest: HardConcreteTraining.Trainer.Timings?
        var torchPhases: [String: Double] = [:]
        for round in 1...repeats {
            var total = 0.0
            for _ in 0..<steps {
                let seconds = trainer.step(batch, using: &generator).seconds
                total += seconds.total
                if fastest == nil || seconds.total < fastest!.total { fastest = seconds }
            }
            ours = min(ours, total / Double(steps))
            print(String(format: "ours       %.3f s/step (round %d)", total / Double(steps), round))
            guard let anchorServer = server else { continue }
            anchorServer.send("round")
            guard let result = anchorServer.read(), let perStep = result["ms_per_step"] as? Double else {
                print("PyTorch    failed in round \(round) (exit \(anchorServer.close()))")
                server = nil
                continue
            }
            if perStep / 1000 < torch ?? .infinity {
                torch = perStep / 1000
                for key in ["forward_ms", "backward_ms", "optimizer_ms"] { torchPhases[key] = result[key] as? Double }
            }
            print(String(format: "PyTorch    %.3f s/step (round %d)", perStep / 1000, round))
        }
        _ = server?.close()
        if let fastest {
            let run = fastest.run
            let forward = run.lower + run.reference + run.forward + run.loss
            let rows: [[String]] = [["phase", "ms", "share"],
                                    ["sampling the gates", ms(fastest.sampling), share(fastest.sampling, fastest.total)],
                                    ["forward: blocks below the site", ms(run.lower), share(run.lower, fastest.total)],
                                    ["forward: unedited run above the site + log-softmax (KL)", ms(run.reference), share(run.reference, fastest.total)],
                                    ["forward: edited run above the site (traced) + head", ms(run.forward), share(run.forward, fastest.total)],
                                    ["loss: L_ratio + KL and ∂/∂logits", ms(run.loss), share(run.loss, fastest.total)],
                                    ["pullback: head and blocks to the site", ms(run.pullback), share(run.pullback, fastest.total)],
                                    ["∂/∂m and ∂/∂b from ∂/∂ĥ", ms(run.assembly), share(run.assembly, fastest.total)],
                                    ["optimizer: ∂/∂γ, Adam (γ, b), λ", ms(fastest.optimizer), share(fastest.optimizer, fastest.total)]]
            print("where our step's time goes (the fastest step): forward \(ms(forward + fastest.sampling)) ms, pullback \(ms(run.pullback + run.assembly)) ms, "
                  + "optimizer \(ms(fastest.optimizer)) ms")
            print(TextTable.render(rows))
        }
        if let f = torchPhases["forward_ms"], let b = torchPhases["backward_ms"], let o = torchPhases["optimizer_ms"] {
            print(String(format: "PyTorch's step (its best round's means): sampling + both forward runs + loss %.0f ms, backward %.0f ms, optimizer %.1f ms", f, b, o))
        }

        // The whole single-step number run, as `workbench mask` runs it with its defaults.
        var whole = "—", converged = "—"
        if trainSteps != nil {
            print("whole run  `workbench mask --model \(name == "lstm" ? Self.lstmFolder : name) --task number --steps single` "
                  + "(Hard Concrete, every direction, \(settings.training.steps) steps × \(settings.training.batchSize), held-out measure) …")
            let started = Date()
            let rebuilt = try study.task()
            var starts: [Date] = [], stepTimes: [[Date]] = []
            let runs = try study.run(rebuilt, started: { _, _, _, _ in starts.append(Date()); stepTimes.append([]) },
                                     progress: { _ in stepTimes[stepTimes.count - 1].append(Date()) })
            let seconds = Date().timeIntervalSince(started)
            var parts: [String] = []
            for (index, run) in runs.enumerated() {
                let at = run.intervention.convergedAtStep ?? 0
                let toConvergence = at >= 1 && at <= stepTimes[index].count ? stepTimes[index][at - 1].timeIntervalSince(starts[index]) : 0
                let training = run.intervention.trainingSeconds
                parts.append(String(format: "→ %@: %d units, %.1f%% flipped (unedited %.1f%%), units settled at step %d of %d (%.0f s; training %.0f s, %.2f s/step)",
                                    run.intervention.direction, run.intervention.units.count, 100 * run.outcome.accuracy, 100 * run.outcome.uneditedShare,
                                    at, stepTimes[index].count, toConvergence, training, training / Double(max(1, stepTimes[index].count))))
            }
            for part in parts { print("           \(part)") }
            print(String(format: "           whole run %.0f s (%.1f min): the task, %d trainings and their held-out measures", seconds, seconds / 60, runs.count))
            whole = String(format: "%.1f min", seconds / 60)
            converged = runs.map { "\($0.intervention.convergedAtStep ?? 0)" }.joined(separator: ", ")
        }
        return [name, String(format: "%.3f", ours), torch.map { String(format: "%.3f", $0) } ?? "—", torch.map { String(format: "%.2f×", $0 / ours) } ?? "—",
                lossGap.map { String(format: "%.1e", $0) } ?? "—", gateCosine.map { String(format: "%.6f", $0) } ?? "—",
                baselineCosine.map { String(format: "%.6f", $0) } ?? "—", whole, converged]
    }

    func cosine(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .nan }
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return dot / max(norms, 1e-300)
    }

    func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
    func share(_ part: Double, _ total: Double) -> String { String(format: "%.0f%%", 100 * part / max(total, 1e-12)) }

    func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
    }
}
