import DSL
import Foundation
import Testing

/// Learned sparse interventions (De Cao et al. 2022) as study configs: the Mask component, its
/// planning, a run through StudyRunner on the tiny Gemma fixture, its cache, shards, report and REPL verbs.
@Suite("study masks")
struct MaskStudyTests {
    static let gemma = WorkbenchProcess.tinyGemma3

    /// A shared folder whose number-agreement pairs the tiny Gemma's tokenizer can form: its
    /// vocabulary has `▁is` and `▁are` (Lakretz et al.'s own verbs, `admires`/`admire`, share every
    /// byte-fallback token up to the shorter one, so none of the real pairs is usable there).
    static func sharedFolder(in root: URL) throws -> SharedData {
        let folder = root.appendingPathComponent("shared/agreement/lakretz2019")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let nouns = ["key", "cabinet", "athlete", "farmer", "teacher", "singer", "doctor", "pilot", "author", "baker",
                     "dancer", "lawyer", "senator", "painter", "banker", "driver"]
        var lines: [String] = [], id = 0
        for noun in nouns {
            for (subject, number, correct, wrong) in [(noun, "singular", "is", "are"), (noun + "s", "plural", "are", "is")] {
                id += 1
                lines += ["The \(subject) \(correct)\t\(number)\tcorrect\tid\(id)", "The \(subject) \(wrong)\t\(number)\twrong\tid\(id)"]
            }
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("simple.txt"))
        return SharedData(root: root.appendingPathComponent("shared"))
    }

    static func options(_ shard: Shard, root: URL, folder: String, shared: SharedData) -> StudyRunner.Options {
        var options = StudyRunner.Options()
        options.shard = shard
        options.output = root.appendingPathComponent(folder)
        options.shared = shared
        options.activationCache = ActivationCache(root: root.appendingPathComponent("cache/activations"))
        return options
    }

    @Test("a Mask line reads back as the component a script writes", arguments: [
        "Mask(.hardConcrete, task: .number, steps: .single, site: .residual(9))",
        "Mask(.hardConcrete, .reinforce, .integratedGradients, task: .number, .gender, steps: .single, .every, site: .residual(6), .mlp(3), "
            + "trainSteps: 50, batch: 8, alpha: 0.02, kl: 0, seeds: 3, heldOut: 100)",
        "Mask(.integratedGradients, task: .gender, steps: .every)",
    ])
    func roundTrip(line: String) throws {
        #expect(try ComponentReader.read(line).description == line)
    }

    @Test("the Mask read from text records the same plain values in the study as the builder's, and shows its errors at their column")
    func values() throws {
        let read = Study("m", components: [try ComponentReader.read("Mask(.hardConcrete, .reinforce, task: .gender, steps: .every, site: .mlp(2), trainSteps: 7, alpha: 0.5, seeds: 2)")])
        let built = Study("m") { Mask(.hardConcrete, .reinforce, task: .gender, steps: .every, site: .mlp(2), trainSteps: 7, alpha: 0.5, seeds: 2) }
        #expect(read.settings == built.settings)
        let mask = try #require(built.settings.masks.first)
        #expect(mask.methods == [.hardConcrete, .reinforce] && mask.tasks == [.gender] && mask.sites == [.mlp(2)])
        #expect(mask.training.steps == 7 && mask.unitShare == 0.5 && mask.training.batchSize == MaskTrainingSettings().batchSize)
        #expect(mask.work(layerCount: 18).allSatisfy { $0.training.unitShare == 0.5 })
        // Without alpha each task trains with its own α: number 0.02, gender 0.1.
        let byTask = Study("m") { Mask(.hardConcrete, task: .number, .gender) }.settings.masks[0].work(layerCount: 18)
        #expect(byTask.map(\.task) == [.number, .gender])
        #expect(byTask.map(\.training.unitShare) == [0.02, 0.1])
        let decoded = try JSONDecoder().decode(StudyDescription.self, from: JSONEncoder().encode(built.settings))
        #expect(decoded == built.settings)
        #expect(throws: LineError("Mask needs a method: .hardConcrete, .reinforce or .integratedGradients", column: 0, length: 4)) {
            try ComponentReader.read("Mask(task: .number)")
        }
        #expect(throws: LineError("Mask has no argument 'sites' — did you mean 'site'?", column: 28)) {
            try ComponentReader.read("Mask(.hardConcrete, sites: .residual(2))")
        }
        #expect(throws: LineError("unknown site 'residul' — did you mean 'residual'?", column: 27, length: 7)) {
            try ComponentReader.read("Mask(.hardConcrete, site: .residul(2))")
        }
        #expect(Study("m") { Model(.gemma3); Mask(.reinforce, seeds: 0) }.problems == [.invalidValue(component: "Mask", problem: "seeds: must be at least 1, not 0")])
    }

    @Test("the planner refuses a Mask on an encoder and a site beyond the model, and plans task × steps × site × method")
    func planning() throws {
        let encoder = Study("m") { Model(.local(StudyDSLTests.tiny)); Mask(.hardConcrete) }
        #expect(encoder.problems.isEmpty, "a study of masks alone needs no languages, attributes or layers")
        do {
            _ = try encoder.plan(shared: StudyDSLTests.shared)
            Issue.record("a Mask on the tiny BERT was planned")
        } catch let error as StudyError {
            guard case .unsupportedModel(let name, let reason) = error else { Issue.record("\(error)"); return }
            #expect(name == StudyDSLTests.tiny)
            #expect(reason.contains("causal language model") && reason.contains("bert-cased-tiny is an encoder") && reason.contains("Model(.gemma3)"), "\(reason)")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("masks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = try Self.sharedFolder(in: root)
        #expect(throws: StudyError.invalidValue(component: "Mask", problem: "site: residual 8 is beyond \(Self.gemma), whose residual sites are 0…7 and MLP sites 1…7")) {
            try Study("m") { Model(.local(Self.gemma)); Mask(.hardConcrete, site: .residual(8)) }.plan(shared: shared)
        }
        #expect(throws: StudyError.self) { try Study("m") { Model(.local(Self.gemma)); Mask(.reinforce); Mask(.reinforce, trainSteps: 5) }.plan(shared: shared) }
        #expect(throws: StudyError.invalidValue(component: "Mask", problem: "heldOut: 1000 of the 32 number items leaves none to train on — give heldOut: fewer")) {
            try Study("m") { Model(.local(Self.gemma)); Mask(.hardConcrete) }.plan(shared: shared)
        }
        let plan = try Study("m") {
            Model(.local(Self.gemma))
            Mask(.hardConcrete, .integratedGradients, task: .number, steps: .single, .every, site: .residual(2), .mlp(4), heldOut: 8)
        }.plan(shared: shared)
        #expect(plan.configs.map(\.name) == [
            "mask number, single-step at residual 2, Hard Concrete", "mask number, single-step at residual 2, Integrated Gradients",
            "mask number, single-step at mlp 4, Hard Concrete", "mask number, single-step at mlp 4, Integrated Gradients",
            "mask number, every-step at residual 2, Hard Concrete", "mask number, every-step at residual 2, Integrated Gradients",
            "mask number, every-step at mlp 4, Hard Concrete", "mask number, every-step at mlp 4, Integrated Gradients",
        ])
        #expect(plan.configs.allSatisfy { $0.estimatedSeconds > 0 && $0.examples.train == 24 && $0.examples.test == 8 })
        let budget = MaskTrainingSettings()
        #expect(plan.table().contains("mask integrated-gradients, every-step at mlp 4, \(budget.steps) steps × \(budget.batchSize), 1 seed"), "\(plan.table())")
        #expect(Set(plan.configs.map(\.identifier)).count == 8)
    }

    @Test("mask configs run through StudyRunner on the tiny Gemma, are cached, shard, merge, report, and the REPL shows their units")
    func endToEnd() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("masks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = try Self.sharedFolder(in: root)
        let study = Study("masks") {
            Model(.local(Self.gemma))
            Mask(.hardConcrete, .integratedGradients, task: .number, trainSteps: 4, batch: 4, heldOut: 8)
        }
        func options(_ shard: Shard, _ folder: String) -> StudyRunner.Options { Self.options(shard, root: root, folder: folder, shared: shared) }
        var printed: [String] = []
        let whole = try study.run(options: options(.whole, "whole"), log: { printed.append($0) })
        #expect(whole.computed == 2 && whole.cached == 0)
        let summary = printed.joined(separator: "\n")
        #expect(summary.contains("per method (Table 6 form)") && summary.contains("per direction (Table 4 form)") && summary.contains("Integrated Gradients"), "\(summary)")
        #expect(whole.masks.map(\.work.method) == [.hardConcrete, .integratedGradients])
        let (hardConcrete, integrated) = (whole.masks[0], whole.masks[1])
        #expect(hardConcrete.work.site == .residual(1), "no site: a quarter of the way up 7 blocks")
        #expect(hardConcrete.directions.map(\.name) == ["plural", "singular"])
        #expect(hardConcrete.directions.reduce(0) { $0 + $1.training + $1.heldOut } == 32)
        #expect(hardConcrete.directions.reduce(0) { $0 + $1.heldOut } == 8)
        #expect(hardConcrete.runs.count == 2 && hardConcrete.runs.allSatisfy { $0.intervention.history.count == 4 })
        for (trained, selected) in zip(hardConcrete.runs, integrated.runs) {
            #expect(selected.intervention.direction == trained.intervention.direction)
            #expect(selected.intervention.units.count == max(1, trained.intervention.units.count), "IG takes Hard Concrete's unit count")
            #expect(selected.intervention.baseline == trained.intervention.baseline, "and its baseline")
        }
        // The rankings comparison rides with the Hard Concrete config (residual site), not with IG's.
        #expect(integrated.rankings == nil)
        let compared = hardConcrete.rankings ?? []
        let withUnits = Set(hardConcrete.runs.filter { !$0.intervention.units.isEmpty }.map(\.intervention.direction))
        #expect(Set(compared.map(\.direction)) == withUnits)
        #expect(!compared.isEmpty, "a Hard Concrete run with open gates after 4 steps")
        for comparison in compared {
            #expect(comparison.rankings.map(\.method) == ["linear", "gaussian", "probeless", "random"])
            #expect(comparison.rankings.allSatisfy { $0.unitRanks.count == comparison.units.count })
        }
        let folder = root.appendingPathComponent("whole")
        let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("### Do the rankings find the units the model uses?") == !compared.isEmpty)
        #expect(summary.contains("do the rankings find the units?") == !compared.isEmpty)
        for part in ["## Sparse interventions (De Cao et al. 2022)", "### Per direction (Table 4 form)", "### Per method (Table 6 form)",
                     "### Units and their baselines", "| number | single | residual 1 | Integrated Gradients |"] {
            #expect(report.contains(part), "\(part)")
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("figures/mask-training-number-single-residual1.svg").path))
        // Fig. 1–2: each direction whose mask opened a unit, its units along the first held-out sentence, drawn into the report.
        let drawn = hardConcrete.activations ?? []
        #expect(Set(drawn.map(\.direction)) == withUnits)
        #expect(report.contains("### The units along a sentence (Fig. 1–2 form)") == !drawn.isEmpty)
        for traces in drawn {
            #expect(traces.unedited.count == traces.units.count && traces.edited.count == traces.units.count)
            #expect((traces.unedited + traces.edited).allSatisfy { $0.count == traces.tokens.count })
            #expect(traces.unedited != traces.edited, "the edit moves the units at the subject")
            let file = "figures/mask-activations-number-single-residual1-hard-concrete-\(traces.direction).svg"
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) && report.contains(file), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("grid.json").path), "no probing: no grid")

        let again = try study.run(options: options(.whole, "again"), log: { _ in })
        #expect(again.computed == 0 && again.cached == 2)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(again.masks.map(\.runs)) == encoder.encode(whole.masks.map(\.runs)))
        var dry: [String] = []
        var dryOptions = options(.whole, "dry")
        dryOptions.dryRun = true
        _ = try study.run(options: dryOptions, log: { dry.append($0) })
        #expect(dry.joined(separator: "\n").components(separatedBy: "cached").count - 1 == 3, "both configs, and the estimate's note: \(dry)")

        let second = try study.run(options: options(try Shard(index: 2, count: 2), "s2"), log: { _ in })
        #expect(second.masks.map(\.work.method) == [.integratedGradients] && second.cached == 1, "\(second.cached)")
        _ = try study.run(options: options(try Shard(index: 1, count: 2), "s1"), log: { _ in })
        #expect(throws: StudyError.self) { try StudyResults.merge([root.appendingPathComponent("s2")], into: root.appendingPathComponent("bad")) }
        try StudyResults.merge([root.appendingPathComponent("s1"), root.appendingPathComponent("s2")], into: root.appendingPathComponent("merged"))
        #expect(try String(contentsOf: root.appendingPathComponent("merged/report.md"), encoding: .utf8) == report)

        let session = Session(options: options(.whole, "repl"), folder: root.appendingPathComponent("repl"))
        #expect(throws: LineError.self) { try session.evaluate("units") }
        let units = try session.evaluate("units \(folder.path)")
        #expect(units.text.contains("Hard Concrete") && units.text.contains("baseline b (mean)"), "\(units.text)")
        let plot = try session.evaluate("plot mask")
        #expect(plot.figures.map(\.lastPathComponent) == ["mask-training-number-single-residual1.svg", "mask-open-number-single-residual1.svg"])
        #expect(plot.text.contains("L_ratio") && plot.text.contains("P(open)"), "\(plot.text)")

        let fresh = Session(options: options(.whole, "repl2"), folder: root.appendingPathComponent("repl2"))
        _ = try fresh.evaluate("Model(.local(\"\(Self.gemma)\")); Mask(.hardConcrete, .integratedGradients, task: .number, trainSteps: 4, batch: 4, heldOut: 8)")
        let ran = try fresh.evaluate("run")
        #expect(ran.text.hasPrefix("2 configs (0 computed, 2 cached)"), "\(ran.text)")
        #expect(try fresh.evaluate("units").text == units.text, "the masks of the session's own run")
    }
}
