import DSL
import Foundation
import Testing

/// The study DSL: what the builder makes, what validation says, how plans, cache keys and shards behave.
@Suite("study DSL")
struct StudyDSLTests {
    static let shared = SharedData(root: ProbeCommandTests.shared)
    static let tiny = WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path

    /// Runner options for a study in a temporary folder with its own caches.
    static func options(_ shard: Shard, root: URL, folder: String) -> StudyRunner.Options {
        var options = StudyRunner.Options()
        options.shard = shard
        options.output = root.appendingPathComponent(folder)
        options.shared = shared
        options.activationCache = ActivationCache(root: root.appendingPathComponent("cache/activations"))
        return options
    }

    @Test("if, for and switch work inside the builder, and later lines extend or replace earlier ones")
    func builder() {
        let detailed = false
        let kind = 2
        let study = Study("b") {
            Model(.minilm)
            for language in [Language.english, .spanish] { Languages(language) }
            Attributes(.number)
            if detailed { Attributes(.tense) }
            switch kind {
            case 1: Layers(1)
            default: Layers(2, 4)
            }
            if detailed { Probe(.linear, neurons: 1...150) } else { Probe(.gaussian, neurons: [10, 50]) }
            Rank(.probeless)
            Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 30, by: 10))
        }
        let settings = study.settings
        #expect(settings.model == "minilm")
        #expect(settings.languages == ["English", "Spanish"])
        #expect(settings.attributes == ["Number"])
        #expect(settings.layers == [2, 4])
        #expect(settings.classifiers == [.gaussian])
        #expect(settings.neuronCounts == [10, 50])
        #expect(settings.rankings == [.probeless])
        #expect(settings.interventions == [StudyIntervention(edit: .translate(beta: 8), neuronCounts: [0, 10, 20, 30])])
        #expect(study.problems.isEmpty, "\(study.problems)")
        #expect(study.description.contains("Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 30, by: 10))"))
        #expect(study.description.contains("Probe(.gaussian, neurons: [10, 50])"))
    }

    @Test("missing and contradictory components are named before any work")
    func validation() {
        let empty = Study("e") { Languages(.english) }
        #expect(empty.problems.map(\.description).contains("the study has no Model — add one, e.g. Model(.minilm)"))
        #expect(empty.problems.contains(.missingComponent("Layers", example: "Layers(2, 4, 6)")))
        let twoModels = Study("t") {
            Model(.minilm); Model(.mbert); Languages(.english); Attributes(.number); Layers(1)
        }
        #expect(twoModels.problems.contains { $0.description.contains("two models") })
        let selectivity = Study("s") {
            Model(.minilm); Languages(.english); Attributes(.number); Layers(-1); Report(.selectivity)
        }
        #expect(selectivity.problems.contains(.invalidValue(component: "Layers", problem: "layer -1 is negative (0 is the embeddings)")))
        #expect(selectivity.problems.contains { $0.description.contains("Report(.selectivity) needs a control task") })
        let beta = Study("b") { Model(.minilm); Languages(.english); Attributes(.number); Layers(1); Intervene(.translate(beta: 0)) }
        #expect(beta.problems.contains(.invalidValue(component: "Intervene", problem: "β must be positive, not 0.0")))
        #expect(throws: StudyError.self) { try empty.plan(shared: Self.shared) }
    }

    @Test("`.with` overrides a preset: each kind it names replaces the preset's lines of that kind")
    func presetOverrides() throws {
        let minilm = Study.antverg2022.with { Model(.minilm); Layers(2, 4, 6) }
        #expect(minilm.problems.isEmpty, "\(minilm.problems)")
        #expect(minilm.settings.model == "minilm")
        #expect(minilm.settings.layers == [2, 4, 6])
        #expect(minilm.settings.languages == Study.antverg2022.settings.languages)
        #expect(minilm.settings.interventions == Study.antverg2022.settings.interventions)
        #expect(minilm.components.filter { $0 is Model }.count == 1)
        let english = Study.antverg2022.with { Languages(.english); Attributes(.number) }
        #expect(english.settings.languages == ["English"])
        #expect(english.settings.attributes == ["Number"])
        let ablation = Study.antverg2022.with { Intervene(.ablate) }
        #expect(ablation.settings.interventions == [StudyIntervention(edit: .ablate, neuronCounts: [], attributes: [])])
        let durrani = Study.durrani2020.named("d").with { Model(.local(Self.tiny)); Layers(0...2, concatenated: true); Languages(.spanish) }
        #expect(durrani.problems.isEmpty, "\(durrani.problems)")
        #expect(durrani.name == "d")
        let plan = try durrani.with { Attributes(.number) }.plan(shared: Self.shared)
        #expect(plan.configs.contains { $0.name == "Spanish Number L1" }, "\(plan.configs.map(\.name))")
        // Within one block a study still names one model.
        let both = Study("two") { Model(.minilm); Model(.mbert); Languages(.english); Attributes(.number); Layers(1) }
        #expect(both.problems.contains { $0.description.contains("two models") })
    }

    @Test("planning checks the model's layers and the data's attributes")
    func planningErrors() throws {
        let beyond = Study("l") { Model(.local(Self.tiny)); Languages(.spanish); Attributes(.number); Layers(1, 3) }
        #expect(throws: StudyError.layerBeyondModel(layer: 3, model: Self.tiny, layerCount: 2)) { try beyond.plan(shared: Self.shared) }
        // k past every config's width is said at planning, naming the width (the tiny model has 16 neurons).
        let wide = Study("w") { Model(.local(Self.tiny)); Languages(.spanish); Attributes(.number); Layers(1); Probe(.linear, neurons: 1...100_000) }
        #expect(try wide.plan(shared: Self.shared).notes
                == ["Probe: neurons: k goes up to 100000, but a layer of \(Self.tiny) has 16 neurons — the curves stop at k = 16"])
        let concatenated = wide.with { Layers(1, 2, concatenated: true); Probe(.linear, neurons: [8, 32]) }
        #expect(try concatenated.plan(shared: Self.shared).notes.isEmpty, "32 ≤ 2 × 16: the concatenated config has them")
        #expect(try concatenated.with { Probe(.linear, neurons: [8, 33]) }.plan(shared: Self.shared).notes == [
            "Probe: neurons: k goes up to 33, but the widest config of this study (2 layers of \(Self.tiny) concatenated) has 32 neurons — the curves stop at k = 32"])
        let nowhere = Study("n") { Model(.local(Self.tiny)); Languages(.english); Attributes(.possession); Layers(1) }
        #expect(throws: StudyError.attributeInNoLanguage(attribute: "Possession", languages: ["English"], minTypes: 100)) {
            try nowhere.plan(shared: Self.shared)
        }
        let missing = Study("m") { Model(.local("/no/such/model")); Languages(.english); Attributes(.number); Layers(1) }
        #expect(throws: StudyError.modelNotFound(name: "/no/such/model", folder: "/no/such/model")) { try missing.plan(shared: Self.shared) }
        let gemma = Study("g") { Model(.gemma3); Languages(.english); Attributes(.number); Layers(1, 18) }
        if FileManager.default.fileExists(atPath: ModelCatalog.resolve("gemma3").path) {
            let plan = try gemma.plan(shared: Self.shared)
            #expect(plan.layerCount == 18 && plan.hiddenSize == 640)
            #expect(plan.configs.map(\.name) == ["English Number L1", "English Number L18"])
            #expect(throws: StudyError.layerBeyondModel(layer: 19, model: "gemma3", layerCount: 18)) {
                try gemma.with { Layers(19) }.plan(shared: Self.shared)
            }
            #expect { try gemma.with { Intervene(.ablate) }.plan(shared: Self.shared) } throws: {
                ($0 as? StudyError)?.description.contains("masked-LM head") == true
            }
        } else {
            #expect { try gemma.plan(shared: Self.shared) } throws: { ($0 as? StudyError)?.description.contains("expected a GGUF file") == true }
        }
    }

    @Test("the plan lists language × attribute × layer (× intervention) in a fixed order; shards partition it")
    func planAndShards() throws {
        let study = Study("p") {
            Model(.local(Self.tiny)); Languages(.spanish, .french); Attributes(.number, .gender); Layers(1, 2)
            Intervene(.ablate, neurons: [0, 8, 16], on: [.number])
        }
        let plan = try study.plan(shared: Self.shared)
        let names = plan.configs.map(\.name)
        #expect(names.prefix(4) == ["Spanish Number L1", "Spanish Number L2", "Spanish Number L1 ablate", "Spanish Number L2 ablate"])
        #expect(names.count == 2 * (2 + 2 + 2))
        #expect(try study.plan(shared: Self.shared).configs == plan.configs)
        let shards = try (1...3).map { try plan.configs(in: Shard(index: $0, count: 3)) }
        #expect(shards.flatMap { $0 }.count == plan.configs.count)
        #expect(Set(shards.flatMap { $0.map(\.identifier) }) == Set(plan.configs.map(\.identifier)))
        // Balanced by cost, kept in plan order within a shard.
        let assignment = plan.shardIndices(count: 3)
        #expect(shards[0].map(\.identifier) == plan.configs.indices.filter { assignment[$0] == 1 }.map { plan.configs[$0].identifier })
        let loads = (1...3).map { shard in plan.configs.indices.filter { assignment[$0] == shard }.map { plan.configs[$0].cost }.reduce(0, +) }
        #expect(loads.max()! - loads.min()! <= plan.configs.map(\.cost).max()! + 0.01, "\(loads)")
        #expect(throws: StudyError.badShard("4/3")) { try Shard(parsing: "4/3") }
        #expect(throws: StudyError.badShard("x")) { try Shard(parsing: "x") }
    }

    @Test("a config's cache key depends on what shapes its result, not on the rest of the study")
    func cacheKeys() throws {
        let runner = StudyRunner()
        let narrow = Study("a") { Model(.local(Self.tiny)); Languages(.spanish); Attributes(.number); Layers(1); Rank(.probeless) }
        let wide = Study("b") { Model(.local(Self.tiny)); Languages(.spanish, .french); Attributes(.number, .gender); Layers(1, 2); Rank(.probeless) }
        let fewer = narrow.with { Probe(.linear, neurons: [1, 2]) }
        let a = runner.probingDigest(narrow.settings), b = runner.probingDigest(wide.settings), c = runner.probingDigest(fewer.settings)
        #expect(a == b)
        #expect(a != c)
        let control = runner.probingDigest(narrow.with { Control(.uniform) }.settings)
        #expect(control != a)
    }

    @Test("shards and merge give the same report as one run; a rerun is read from the cache")
    func shardsAndMerge() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("study-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let study = Study("shards") {
            Model(.local(Self.tiny)); Languages(.spanish); Attributes(.number, .gender); Layers(1, 2)
            Rank(.probeless, .random); Probe(.gaussian, neurons: [1, 4, 16]); Control(.uniform)
        }
        func options(_ shard: Shard, _ folder: String) -> StudyRunner.Options { Self.options(shard, root: root, folder: folder) }
        var lines: [String] = []
        let first = try study.run(options: options(Shard(index: 1, count: 2), "s1"), log: { lines.append($0) })
        let second = try study.run(options: options(Shard(index: 2, count: 2), "s2"), log: { lines.append($0) })
        #expect(first.results.count == 2 && second.results.count == 2)
        #expect(first.report == nil)
        #expect(throws: StudyError.self) { try StudyResults.merge([root.appendingPathComponent("s1")], into: root.appendingPathComponent("bad")) }
        try StudyResults.merge([root.appendingPathComponent("s1"), root.appendingPathComponent("s2")], into: root.appendingPathComponent("merged"))
        let whole = try study.run(options: options(.whole, "whole"), log: { lines.append($0) })
        #expect(whole.cached == 4 && whole.computed == 0)
        for file in ["report.md", "curves.csv", "grid.json", "overlaps.csv"] {
            let merged = try String(contentsOf: root.appendingPathComponent("merged/\(file)"), encoding: .utf8)
            let single = try String(contentsOf: root.appendingPathComponent("whole/\(file)"), encoding: .utf8)
            #expect(merged == single, "\(file)")
        }
        let figure = root.appendingPathComponent("whole/figures/accuracy-bert-cased-tiny-Spanish-Number-L1.svg")
        #expect(FileManager.default.fileExists(atPath: figure.path))
    }

    @Test("intervention sweeps run as configs of the plan, are cached, reported and merged")
    func interventions() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("study-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let study = Study("sweeps") {
            Model(.local(Self.tiny)); Languages(.spanish); Attributes(.number); Layers(1)
            Rank(.probeless, .random); Probe(.gaussian, neurons: [1, 4, 16])
            Intervene(.ablate, neurons: [0, 8, 16])
            Intervene(.translate(beta: 8), neurons: [0, 8, 16])
        }
        func options(_ shard: Shard, _ folder: String) -> StudyRunner.Options { Self.options(shard, root: root, folder: folder) }
        let plan = try study.plan(shared: Self.shared)
        #expect(plan.configs.map(\.name) == ["Spanish Number L1", "Spanish Number L1 ablate", "Spanish Number L1 translate β=8"])
        let whole = try study.run(options: options(.whole, "whole"), log: { _ in })
        #expect(whole.interventions.count == 4, "two sweeps × two analysers (treebank lexicon, Apertium)")
        #expect(Set(whole.interventions.map(\.analyser)).count == 2)
        #expect(whole.interventions.allSatisfy { $0.curves.first?.neuronCounts == [0, 8, 16] })
        let report = try String(contentsOf: root.appendingPathComponent("whole/report.md"), encoding: .utf8)
        #expect(report.contains("## Interventions"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("whole/interventions/table.csv").path))
        let again = try study.run(options: options(.whole, "again"), log: { _ in })
        #expect(again.computed == 0 && again.cached == 3)
        for index in 1...2 { _ = try study.run(options: options(try Shard(index: index, count: 2), "s\(index)"), log: { _ in }) }
        try StudyResults.merge([root.appendingPathComponent("s1"), root.appendingPathComponent("s2")], into: root.appendingPathComponent("merged"))
        #expect(try String(contentsOf: root.appendingPathComponent("merged/interventions/table.csv"), encoding: .utf8)
                == String(contentsOf: root.appendingPathComponent("whole/interventions/table.csv"), encoding: .utf8))
    }
}
