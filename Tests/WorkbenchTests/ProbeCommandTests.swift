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

    @Test("unknown languages and attributes are named")
    func badNames() throws {
        let language = try WorkbenchProcess.run(["probe", "--languages", "Klingon", "--shared", Self.shared.path])
        #expect(language.errors.contains("unknown language 'Klingon'"), "\(language.errors)")
        let attribute = try WorkbenchProcess.run(["probe", "--attributes", "Frobnitz", "--shared", Self.shared.path])
        #expect(attribute.errors.contains("unknown attribute 'Frobnitz'"), "\(attribute.errors)")
    }
}
