import Core
import Foundation
import Testing

/// Several `workbench` processes at once on one cold cache, as `parallel workbench run … --shard {}/4`
/// and Slurm arrays start them: every cache entry is built once, the others wait and adopt it.
@Suite("concurrent runs on a cold cache")
struct ConcurrentRunTests {
    static let tiny = WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path
    static let spanishTest = ProbeCommandTests.shared.appendingPathComponent("ud/UD_Spanish-GSD/es_gsd-ud-test.conllu")

    static func scratch(_ name: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    /// What is left in a cache folder besides finished entries.
    static func leftovers(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.contains(".partial-") || $0.hasSuffix(".lock") }
    }

    @Test("two processes extracting the same entry both succeed with the same entry, built once")
    func twoExtractions() throws {
        guard FileManager.default.fileExists(atPath: Self.spanishTest.path) else {
            Issue.record("../shared/ud is missing beside the repository")
            return
        }
        let root = try Self.scratch("concurrent-extract")
        defer { try? FileManager.default.removeItem(at: root) }
        let command = ["extract", "--model", Self.tiny, "--quiet", Self.spanishTest.path]
        let results = try WorkbenchProcess.runTogether([command, command], environment: ["NEURON_CACHE": root.path])
        for result in results { #expect(result.status == 0, "\(result.output)\n\(result.errors)") }
        let entries = results.map { result in result.output.split(separator: "\n").first { $0.hasPrefix("cache ") }.map(String.init) }
        #expect(entries[0] != nil && entries[0] == entries[1], "\(entries)")
        let activations = root.appendingPathComponent("activations")
        let names = try FileManager.default.contentsOfDirectory(atPath: activations.path)
        #expect(names.count == 1, "\(names)")
        #expect(Self.leftovers(in: activations).isEmpty)
        let store = try ActivationStore(directory: activations.appendingPathComponent(names[0]))
        #expect(store.rowCount > 0)
        // One built it; the other waited for it (or, started late, found it) and did not build again.
        let built = results.filter { $0.output.contains("extraction ") && !$0.output.contains("reusing") }
        let adopted = results.filter { $0.output.contains("reusing cached activations") }
        #expect(built.count == 1 && adopted.count == 1, "\(results.map(\.output))")
    }

    @Test("the README's parallel shards from a cold cache, merged, equal one unsharded run")
    func parallelShards() throws {
        guard FileManager.default.fileExists(atPath: Self.spanishTest.path) else {
            Issue.record("../shared/ud is missing beside the repository")
            return
        }
        let root = try Self.scratch("concurrent-shards")
        defer { try? FileManager.default.removeItem(at: root) }
        let script = try RunCommandTests.script("""
            let study = Study("parallel-shards") {
                Model(.local("\(Self.tiny)"))
                Languages(.spanish)
                Attributes(.number)
                Layers(1, 2)
                Rank(.probeless, .random)
                Probe(.gaussian, neurons: [1, 4, 10, 16])
            }
            try study.run()
            """, in: root)
        // NEURON_CACHE also holds the compiled scripts: the shards race to compile the script, too.
        let environment = ["NEURON_CACHE": root.appendingPathComponent("cache").path]
        let common = ["--shared", ProbeCommandTests.shared.path, "--cache", root.appendingPathComponent("cache").path]
        let shards = (1...2).map { ["run", script.path, "--shard", "\($0)/2", "--out", root.appendingPathComponent("s\($0)").path] + common }
        let results = try WorkbenchProcess.runTogether(shards, environment: environment)
        for result in results { #expect(result.status == 0, "\(result.output)\n\(result.errors)") }
        let merged = try WorkbenchProcess.run(["merge", root.appendingPathComponent("s1").path, root.appendingPathComponent("s2").path,
                                               "--out", root.appendingPathComponent("merged").path])
        #expect(merged.status == 0, "\(merged.errors)")
        #expect(Self.leftovers(in: root.appendingPathComponent("cache/activations")).isEmpty)
        #expect(Self.leftovers(in: root.appendingPathComponent("cache/scripts")).isEmpty)

        // The same study unsharded, on a cache of its own: computed again, not read back.
        let whole = try WorkbenchProcess.run(["run", script.path, "--out", root.appendingPathComponent("whole").path,
                                              "--shared", ProbeCommandTests.shared.path, "--cache", root.appendingPathComponent("cache2").path],
                                             environment: environment)
        #expect(whole.status == 0, "\(whole.errors)")
        for file in ["report.md", "curves.csv", "overlaps.csv"] {
            let mergedText = try String(contentsOf: root.appendingPathComponent("merged/\(file)"), encoding: .utf8)
            let wholeText = try String(contentsOf: root.appendingPathComponent("whole/\(file)"), encoding: .utf8)
            #expect(mergedText == wholeText, "\(file) differs")
        }
        #expect(try String(contentsOf: root.appendingPathComponent("merged/report.md"), encoding: .utf8).contains("Spanish Number L2"))
    }
}
