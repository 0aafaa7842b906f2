import Core
import Foundation
import Testing

/// `workbench run study.swift` and `workbench merge`, end to end through the executable.
@Suite("workbench run and merge")
struct RunCommandTests {
    static func script(_ body: String, in folder: URL, name: String = "study.swift") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(("import DSL\n" + body).utf8).write(to: url)
        return url
    }

    @Test("a script compiles against the DSL, plans with --dry-run, runs, shards and merges")
    func runScript() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let tiny = WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path
        let script = try Self.script("""
            let layers = [1, 2]
            let study = Study("tiny-study") {
                Model(.local("\(tiny)"))
                Languages(.spanish)
                Attributes(.number)
                for layer in layers { Layers(layer) }
                Rank(.probeless, .random)
                Probe(.gaussian, neurons: [1, 4, 16])
            }
            try study.run()
            """, in: root)
        let common = ["--shared", ProbeCommandTests.shared.path, "--cache", root.appendingPathComponent("cache").path]
        let dry = try WorkbenchProcess.run(["run", script.path, "--dry-run"] + common)
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(dry.output.contains("Spanish Number L2  probing"), "\(dry.output)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
        let shard = try WorkbenchProcess.run(["run", script.path, "--shard", "1/1", "--out", root.appendingPathComponent("out").path] + common)
        #expect(shard.status == 0, "\(shard.errors)")
        #expect(shard.output.contains("1 configs computed") || shard.output.contains("configs computed"), "\(shard.output)")
        let report = try String(contentsOf: root.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(report.contains("# Study tiny-study"))
        let merged = try WorkbenchProcess.run(["merge", root.appendingPathComponent("out").path, "--out", root.appendingPathComponent("merged").path])
        #expect(merged.status == 0, "\(merged.errors)")
        #expect(try String(contentsOf: root.appendingPathComponent("merged/curves.csv"), encoding: .utf8)
                == String(contentsOf: root.appendingPathComponent("out/curves.csv"), encoding: .utf8))
    }

    @Test("from a folder with no ../shared, a study finds the shared data beside the repository, as the workbench does")
    func sharedFromAnyFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("anywhere-\(UUID().uuidString)/deeper")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let tiny = WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path
        let script = try Self.script("""
            try Study("anywhere") { Model(.local("\(tiny)")); Languages(.spanish); Attributes(.number); Layers(1) }.run()
            """, in: root)
        // NEURON_SHARED empty counts as unset; the working directory's ../shared does not exist.
        let environment = ["NEURON_SHARED": "", "NEURON_CACHE": root.appendingPathComponent("cache").path]
        let dry = try WorkbenchProcess.run(["run", script.path, "--dry-run"], environment: environment, directory: root)
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(dry.output.contains("Spanish Number L1"), "\(dry.output)")
        let data = try WorkbenchProcess.run(["data", "--language", "Spanish", "--attributes", "Number"], environment: environment, directory: root)
        #expect(data.status == 0, "\(data.errors)")
    }

    /// `scripts/studies`.
    static let shippedStudies = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/studies")

    /// Shipped studies on a model that nobody has here, and the catalog name each one asks for.
    static let bringYourOwnModel = ["antverg2022.swift": "mbert", "durrani2020.swift": "bert"]

    @Test("every shipped study plans with --dry-run; those on a model nobody has here say where to place it, and nothing else")
    func shippedStudiesPlan() throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.shippedStudies.path)
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(scripts.count >= 6, "\(scripts)")
        for (name, _) in Self.bringYourOwnModel { #expect(scripts.contains(name), "\(name) is listed but not shipped") }
        let minilm = ModelCatalog.defaultModel
        guard FileManager.default.fileExists(atPath: minilm.appendingPathComponent("config.json").path) else {
            Issue.record("the default model is not installed at \(minilm.path): run scripts/setup")
            return
        }
        // A models root that holds only what set-up installs, whatever else this machine has.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("shipped-\(UUID().uuidString)")
        let models = root.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(at: models.appendingPathComponent(minilm.lastPathComponent), withDestinationURL: minilm)
        let gemma = ModelCatalog.resolve("gemma3")
        guard FileManager.default.fileExists(atPath: gemma.path) else {
            Issue.record("Gemma 3 is not installed at \(gemma.path): run scripts/setup")
            return
        }
        try FileManager.default.createSymbolicLink(at: models.appendingPathComponent(gemma.deletingLastPathComponent().lastPathComponent),
                                                   withDestinationURL: gemma.deletingLastPathComponent())
        let environment = ["NEURON_MODELS": models.path]
        let common = ["--shared", ProbeCommandTests.shared.path, "--cache", root.appendingPathComponent("cache").path]
        for script in scripts {
            let result = try WorkbenchProcess.run(["run", Self.shippedStudies.appendingPathComponent(script).path, "--dry-run"] + common,
                                                  environment: environment)
            // The runner says it is compiling; anything else on standard error is the study's.
            let errors = result.errors.split(separator: "\n").filter { !$0.hasPrefix("compiling \(script)") }.map(String.init)
            if let model = Self.bringYourOwnModel[script] {
                let folder = models.appendingPathComponent(ModelCatalog.knownModels.first { $0.name == model }!.path).path
                #expect(result.status == 1, "\(script): \(result.output) \(result.errors)")
                #expect(errors == ["error: \(StudyError.modelNotFound(name: model, folder: folder))"], "\(script): \(result.errors)")
            } else {
                #expect(result.status == 0, "\(script): \(result.errors)")
                #expect(result.output.contains("configs"), "\(script): \(result.output)")
                #expect(errors.isEmpty, "\(script): \(result.errors)")
            }
        }
    }

    @Test("a script that throws at top level, traps or dies of a signal ends in one line saying where and why; the raw report is kept",
          arguments: [
              ("throws.swift", "struct Oops: Error { var why = \"bad\" }\nprint(\"before\")\nthrow Oops()\n",
               #"error: throws.swift: the script failed: it threw an error at the top level: Oops(why: "bad")"#),
              ("fatal.swift", "let x = CommandLine.arguments.count\nif x < 1000 { fatalError(\"the data are wrong\") }\n",
               "error: fatal.swift:3: the script failed: the data are wrong"),
              ("index.swift", "let values = [1, 2]\nlet index = CommandLine.arguments.count + 5\nprint(values[index])\n",
               "error: index.swift:4:"),
              ("unwrap.swift", "let missing: Int? = CommandLine.arguments.count > 99 ? 1 : nil\nprint(missing! + 1)\n",
               "error: unwrap.swift:3:"),
              ("killed.swift", "import Glibc\nkill(getpid(), SIGKILL)\n", "error: killed.swift: the script failed: killed, signal 9"),
          ])
    func scriptFailure(name: String, body: String, expected: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let script = try Self.script(body, in: root, name: name)
        let result = try WorkbenchProcess.run(["run", script.path], environment: ["NEURON_CACHE": root.appendingPathComponent("cache").path])
        #expect(result.status == 1, "\(result.errors)")
        let lines = result.errors.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.hasPrefix("compiling \(name)") }.dropLast()   // the text ends with a newline
        #expect(lines.count == 1, "one line, not a crash dump: \(result.errors)")
        let line = try #require(lines.first)
        #expect(line.hasPrefix(expected), "\(line)")
        if name == "unwrap.swift" { #expect(line.contains("Unexpectedly found nil while unwrapping an Optional value"), "\(line)") }
        // The line names the file that keeps the runtime's own report.
        let report = try #require(line.range(of: "full report: ").map { String(line[$0.upperBound...].dropLast()) }, "\(line)")
        #expect(report.hasPrefix(root.appendingPathComponent("cache/scripts").path), "\(report)")
        let raw = try String(contentsOfFile: report, encoding: .utf8)
        #expect(raw.contains(name == "killed.swift" ? "died of signal 9" : "crashed"), "\(raw)")
    }

    @Test("a study with a problem ends with one error line, and a script that does not compile says so")
    func errors() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = try Self.script("try Study(\"x\") { Languages(.english) }.run()\n", in: root, name: "missing.swift")
        let result = try WorkbenchProcess.run(["run", missing.path, "--dry-run"])
        #expect(result.status == 1)
        #expect(result.errors.contains("error: the study has no Model — add one, e.g. Model(.minilm)"), "\(result.errors)")
        let broken = try Self.script("let x: Int = \"no\"\n", in: root, name: "broken.swift")
        let compile = try WorkbenchProcess.run(["run", broken.path])
        #expect(compile.status != 0)
        #expect(compile.errors.contains("does not compile"), "\(compile.errors)")
        let flag = try WorkbenchProcess.run(["run", missing.path, "--shard", "3/2"])
        #expect(flag.errors.contains("error: --shard '3/2': expected i/n"), "\(flag.errors)")
    }
}
