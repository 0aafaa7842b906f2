import DSL
import Foundation
import Testing

/// Activations a user brings (`.npy` + labels) from a study script, the REPL and the command line:
/// the same rankings, curves and report as a model's cache.
@Suite("activations from a .npy", .serialized)
struct ActivationsImportTests {
    static let npy = WorkbenchProcess.fixtures.appendingPathComponent("npy")
    static let array = npy.appendingPathComponent("acts-f32.npy").path
    static let labels = npy.appendingPathComponent("labels.tsv").path

    static func scratch() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)") }

    @Test("Activations(npy:labels:) replaces Model, Languages, Attributes and Layers; mixing them is named")
    func validation() {
        let study = Study("n") { Activations(npy: Self.array, labels: Self.labels); Rank(.probeless); Probe(.linear, neurons: 1...5) }
        #expect(study.problems.isEmpty, "\(study.problems)")
        #expect(study.settings.activations == ActivationImport(arrays: [Self.array], labels: [Self.labels]))
        let mixed = Study("m") { Model(.minilm); Activations(npy: Self.array, labels: Self.labels); Layers(4) }
        #expect(mixed.problems.contains { $0.description.contains("from a Model or from Activations(npy:labels:), not both") })
        #expect(mixed.problems.contains { $0.description.contains("Layers applies to a Model's treebanks") })
        let sweep = Study("s") { Activations(npy: Self.array, labels: Self.labels); Intervene(.ablate) }
        #expect(sweep.problems.contains { $0.description.contains("Intervene and Mask run a model") })
        let conllu = Study("c") { Activations(npy: Self.array, conllu: [], attribute: .number) }
        #expect(conllu.problems.contains(.invalidValue(component: "Activations", problem: "no labels file")))
        let notNpy = Study("t") { Activations(npy: "acts.pt", labels: Self.labels) }
        #expect(notNpy.problems.contains { $0.description.contains("'acts.pt' is not a .npy file") })
    }

    @Test("a study of a .npy plans one config per array, notes how it split, runs and writes the report")
    func study() throws {
        let root = Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let layers = [Self.array, Self.npy.appendingPathComponent("acts-f16.npy").path]
        let study = Study("npy") {
            Activations(npy: layers, labels: Self.npy.appendingPathComponent("labels-only.txt").path, layers: [4, 8], concatenated: true)
            Rank(.probeless, .gaussian)
            Probe(.linear, .gaussian, neurons: 1...4)
            Control(.uniform)
        }
        let plan = try study.plan(shared: StudyDSLTests.shared)
        #expect(plan.configs.map(\.config.name) == ["labels-only label L4", "labels-only label L8", "labels-only label all-layers"])
        #expect(plan.notes.contains { $0.contains("no split column") }, "\(plan.notes)")
        let outcome = try StudyRunner(options: StudyDSLTests.options(.whole, root: root, folder: "out")).run(study.settings, log: { _ in })
        #expect(outcome.results.count == 3 && outcome.computed == 3)
        #expect(outcome.results[2].neuronCount == 48)
        #expect(Set(outcome.results[0].rankings["probeless"]?.prefix(2) ?? []) == [3, 7])
        let report = try String(contentsOf: root.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(report.contains("Activations `\(Self.array)`"), "\(report.prefix(400))")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/figures/accuracy-acts-f32-labels-only-label-L4.svg").path))
    }

    @Test("use npy selects a user's array in the REPL; top and probe work on it; mistakes point at the word")
    func repl() throws {
        let root = Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let session = ReplSessionTests.session(root)
        _ = try session.evaluate("Probe(.linear, .gaussian, neurons: 1...6)")
        let use = try session.evaluate("use npy \(Self.array) \(Self.labels)")
        #expect(use.text.hasPrefix("labels label L0: 24 neurons, labels Dual Plur Sing, train/dev/test 162/39/39"), "\(use.text)")
        let top = try session.evaluate("top 2 probeless")
        #expect(top.text.contains("top 2 by probeless"), "\(top.text)")
        #expect(Set(session.current?.result.rankings["probeless"]?.prefix(2) ?? []) == [3, 7])
        #expect(try session.evaluate("probe linear by gaussian").text.contains("selectivity"))
        #expect(try session.evaluate("show study").text.contains("Activations(npy: \"\(Self.array)\", labels: \"\(Self.labels)\")"))
        #expect(throws: LineError.self) { try session.evaluate("use npy acts.txt labels.tsv") }
        do { _ = try session.evaluate("use npy a.npy x.conllu Numbr") } catch let error as LineError {
            #expect(error.message.contains("unknown attribute 'Numbr'") && error.column == "use npy a.npy x.conllu ".count, "\(error)")
        }
        do { _ = try session.evaluate("use npy \(Self.array) \(root.appendingPathComponent("missing.tsv").path)") } catch {
            #expect("\(error)".contains("missing.tsv"), "\(error)")
        }
        #expect(session.current?.planned.name == "labels label L0", "a failed use keeps the selected config")
    }

    @Test("workbench probe and rank --activations … --labels … run end to end; a bad labels file is one line")
    func commandLine() throws {
        let root = Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let common = ["--activations", Self.array, "--labels", Self.labels, "--cache", root.appendingPathComponent("cache").path]
        let probe = try WorkbenchProcess.run(["probe"] + common + ["--max-k", "6", "--durrani", "none", "--out", root.appendingPathComponent("probe").path])
        #expect(probe.status == 0, "\(probe.errors)")
        #expect(probe.output.contains("labels label L0: 24 neurons, 162/39/39 examples"), "\(probe.output)")
        let curves = try String(contentsOf: root.appendingPathComponent("probe/curves.csv"), encoding: .utf8)
        #expect(curves.split(separator: "\n").count == 1 + 14 * 6)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("probe/figures/selectivity-acts-f32-labels-label-L0.svg").path))
        let again = try WorkbenchProcess.run(["probe"] + common + ["--max-k", "6", "--durrani", "none", "--out", root.appendingPathComponent("probe").path])
        #expect(again.output.contains("labels label L0: cached"), "\(again.output)")

        let rank = try WorkbenchProcess.run(["rank"] + common + ["--top", "3", "--out", root.appendingPathComponent("rank").path])
        #expect(rank.status == 0, "\(rank.errors)")
        #expect(rank.output.contains("#  linear  gaussian  probeless  random"), "\(rank.output)")
        let rankings = try String(contentsOf: root.appendingPathComponent("rank/rankings.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rankings.count == 1 + 4 * 24)
        #expect(rankings.filter { $0.contains(",probeless,1,") || $0.contains(",probeless,2,") }.allSatisfy { $0.contains(",3,0,") || $0.contains(",7,0,") })

        let short = root.appendingPathComponent("short.tsv")
        try Data("Sing\ttrain\nPlur\ttest\n".utf8).write(to: short)
        let bad = try WorkbenchProcess.run(["probe", "--activations", Self.array, "--labels", short.path, "--out", root.appendingPathComponent("bad").path])
        #expect(bad.status != 0)
        #expect(bad.errors == "error: \(Self.array) has 240 rows but \(short.path) has 2 labels — the array needs one row per label, in the same order\n",
                "\(bad.errors)")
        let mixed = try WorkbenchProcess.run(["rank", "--activations", Self.array, "--labels", Self.labels, "--languages", "English"])
        #expect(mixed.errors.contains("--languages does not go with --activations"), "\(mixed.errors)")
    }
}
