import Core
import DSL
import Foundation
import Testing

/// No command writes its results over a user's files or another study's without a word:
/// `run`, `probe`, `intervene`, `merge` and a script's `--out` all go through ``ResultsFolder``.
@Suite("results folders are never overwritten without a word")
struct ResultsFolderCommandTests {
    static func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folders-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    static func probe(out: String, cache: URL, extra: [String] = []) -> [String] {
        ["probe", "--model", StudyDSLTests.tiny, "--languages", "Spanish", "--attributes", "Number", "--layers", "1",
         "--max-k", "4", "--durrani", "none", "--shared", ProbeCommandTests.shared.path, "--cache", cache.path, "--out", out] + extra
    }

    @Test("--out \"\" is refused by probe, intervene, merge and a study script, and the working directory stays empty")
    func emptyOut() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let cwd = root.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        let message = "error: \(StudyError.emptyOutput(option: "--out"))"
        let probe = try WorkbenchProcess.run(Self.probe(out: "", cache: root.appendingPathComponent("cache")), directory: cwd)
        #expect(probe.status == 1 && probe.errors.contains(message), "\(probe.errors)")
        let intervene = try WorkbenchProcess.run(["intervene", "--model", StudyDSLTests.tiny, "--out", ""], directory: cwd)
        #expect(intervene.status == 1 && intervene.errors.contains(message), "\(intervene.errors)")
        let merge = try WorkbenchProcess.run(["merge", root.path, "--out", ""], directory: cwd)
        #expect(merge.status == 1 && merge.errors.contains(message), "\(merge.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty)
        #expect(throws: StudyError.emptyOutput(option: "--out")) { try StudyRunner.Options.fromCommandLine(["--out", ""]) }
        #expect(try StudyRunner.Options.fromCommandLine(["--out", "x", "--force"]).force)
        #expect(Study("o") { Output("") }.problems.contains(.invalidValue(component: "Output",
                                                                            problem: "names no folder (the results would land in the working directory)")))
    }

    @Test("probe and intervene refuse a folder of a user's files before any work; probe --force writes beside them")
    func userFolder() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("my notes".utf8).write(to: out.appendingPathComponent("report.md"))
        let cache = root.appendingPathComponent("cache")
        let refused = try WorkbenchProcess.run(Self.probe(out: out.path, cache: cache))
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.errors.contains("\(out.path) already holds files that no study of the workbench wrote (report.md)"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: cache.path), "refused before any work")
        let intervene = try WorkbenchProcess.run(["intervene", "--model", StudyDSLTests.tiny, "--languages", "Spanish", "--attributes", "Number",
                                                  "--layers", "1", "--shared", ProbeCommandTests.shared.path, "--cache", cache.path, "--out", out.path])
        #expect(intervene.status == 1 && intervene.errors.contains("already holds files that no study"), "\(intervene.errors)")
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8) == "my notes")
        let forced = try WorkbenchProcess.run(Self.probe(out: out.path, cache: cache, extra: ["--force"]))
        #expect(forced.status == 0, "\(forced.errors)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("curves.csv").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(ResultsFolder.markerName).path))
    }

    @Test("a study is refused another study's folder; --force replaces it and leaves none of its configs; merge never writes into a shard")
    func anotherStudy() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = Study("first") {
            Model(.local(StudyDSLTests.tiny)); Languages(.spanish); Attributes(.number); Layers(1, 2)
            Rank(.probeless); Probe(.gaussian, neurons: [1, 4])
        }
        let second = first.named("second").with { Layers(2) }
        var options = StudyDSLTests.options(.whole, root: root, folder: "out")
        try first.run(options: options, log: { _ in })
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("out/configs").path).count == 2)
        try first.run(options: options, log: { _ in })   // its own folder: written again
        let error = #expect(throws: StudyError.self) { try second.run(options: options, log: { _ in }) }
        #expect(error?.description.hasPrefix("\(root.appendingPathComponent("out").path) already holds the results of study 'first'") == true,
                "\(String(describing: error))")
        options.force = true
        try second.run(options: options, log: { _ in })
        let configs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("out/configs").path)
        #expect(configs == ["bert-cased-tiny-Spanish-Number-L2.json"], "stale configs of 'first' are gone: \(configs)")

        for index in 1...2 { try first.run(options: StudyDSLTests.options(try Shard(index: index, count: 2), root: root, folder: "s\(index)"), log: { _ in }) }
        let shard = root.appendingPathComponent("s1")
        let before = try String(contentsOf: shard.appendingPathComponent("study.json"), encoding: .utf8)
        let merge = try WorkbenchProcess.run(["merge", shard.path, root.appendingPathComponent("s2").path, "--out", shard.path + "/", "--force"])
        #expect(merge.status == 1 && merge.errors.contains("is one of the folders being merged"), "\(merge.errors)")
        #expect(try String(contentsOf: shard.appendingPathComponent("study.json"), encoding: .utf8) == before)
        let other = try WorkbenchProcess.run(["merge", shard.path, root.appendingPathComponent("s2").path, "--out", root.appendingPathComponent("out").path])
        #expect(other.status == 1 && other.errors.contains("already holds the results of study 'second'"), "\(other.errors)")
        let merged = try WorkbenchProcess.run(["merge", shard.path, root.appendingPathComponent("s2").path, "--out", root.appendingPathComponent("merged").path])
        #expect(merged.status == 0, "\(merged.errors)")
    }
}
