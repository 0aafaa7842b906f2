import Foundation
import Testing

/// `workbench probe` end to end on a real treebank with a tiny fixture model.
@Suite("workbench probe")
struct ProbeCommandTests {
    static let shared = WorkbenchProcess.fixtures.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")

    @Test("a one-config grid writes its tables, figures and summary; a rerun reuses the result")
    func grid() throws {
        guard FileManager.default.fileExists(atPath: Self.shared.appendingPathComponent("ud/UD_Spanish-GSD").path) else {
            Issue.record("../shared/ud is missing beside the repository")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["probe", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path,
                         "--languages", "Spanish", "--attributes", "Number", "--layers", "2", "--max-k", "6",
                         "--durrani", "every", "--shared", Self.shared.path, "--cache", folder.appendingPathComponent("cache").path,
                         "--out", folder.appendingPathComponent("out").path]
        let first = try WorkbenchProcess.run(arguments)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("Spanish Number L2: 16 neurons"), "\(first.output)")
        for file in ["grid.json", "curves.csv", "report.md", "durrani.csv", "figures/accuracy-bert-cased-tiny-Spanish-Number-L2.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/\(file)").path), "\(file)")
        }
        let curves = try String(contentsOf: folder.appendingPathComponent("out/curves.csv"), encoding: .utf8)
        #expect(curves.split(separator: "\n").count == 1 + 14 * 6)
        let second = try WorkbenchProcess.run(arguments)
        #expect(second.output.contains("Spanish Number L2: cached"), "\(second.output)")
    }

    @Test("progress to a pipe: one line per config's curves, no redraws; the report's place once the first config is done")
    func progressInPipe() throws {
        guard FileManager.default.fileExists(atPath: Self.shared.appendingPathComponent("ud/UD_Spanish-GSD").path) else {
            Issue.record("../shared/ud is missing beside the repository")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-pipe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let run = try WorkbenchProcess.run(["probe", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path,
                                            "--languages", "Spanish", "--attributes", "Number", "--layers", "1,2", "--max-k", "6",
                                            "--shared", Self.shared.path, "--cache", folder.appendingPathComponent("cache").path,
                                            "--out", out.path], environment: ["NEURON_PROGRESS_TERMINAL": "0"], quiet: false)
        #expect(run.status == 0, "\(run.errors)")
        #expect(!run.errors.contains("\r"), "carriage returns in a pipe: \(run.errors)")
        for layer in [1, 2] {
            // Counted in curve points (14 curves × their k): one line, at the end, all of them done.
            let bars = run.errors.split(separator: "\n").filter { $0.hasPrefix("  Spanish Number L\(layer) ") && $0.contains(" points ") }
            let done = bars.first.map { line in line.split(separator: " ").contains { word in
                let parts = word.split(separator: "/")
                return parts.count == 2 && Int(parts[0]) != nil && parts[0] == parts[1]
            } } ?? false
            #expect(bars.count == 1 && done, "L\(layer): \(run.errors)")
        }
        let lines = run.output.split(separator: "\n").map(String.init)
        let first = lines.firstIndex { $0.hasPrefix("[1/2] Spanish Number L1") }
        let where_ = lines.firstIndex { $0 == "report so far: \(out.appendingPathComponent("report.md").path) (updated as configs finish)" }
        let second = lines.firstIndex { $0.hasPrefix("[2/2] Spanish Number L2") }
        #expect(first != nil && where_ != nil && second != nil && first! < where_! && where_! < second!, "\(run.output)")
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8).hasPrefix("# Study "))
    }

    @Test("unknown languages and attributes are named")
    func badNames() throws {
        let language = try WorkbenchProcess.run(["probe", "--languages", "Klingon", "--shared", Self.shared.path])
        #expect(language.errors.contains("unknown language 'Klingon'"), "\(language.errors)")
        let attribute = try WorkbenchProcess.run(["probe", "--attributes", "Frobnitz", "--shared", Self.shared.path])
        #expect(attribute.errors.contains("unknown attribute 'Frobnitz'"), "\(attribute.errors)")
    }
}
