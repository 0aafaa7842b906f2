import Foundation
import Testing

/// `workbench next` and `workbench agree` end to end through the executable, on the tiny Gemma-shaped GGUF.
@Suite("workbench next and agree")
struct NextCommandTests {
    static let tiny = WorkbenchProcess.tinyGemma3

    @Test("next lists the top tokens and compares continuations; an encoder is refused in one line")
    func next() throws {
        let run = try WorkbenchProcess.run(["next", "--model", Self.tiny, "--top", "3", "--compare", "are,is", "The keys to the cabinet"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("rank  token"), "\(run.output)")
        #expect(run.output.contains("log p(are) − log p(is) = "), "\(run.output)")
        let encoder = try WorkbenchProcess.run(["next", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path, "The keys"])
        #expect(encoder.status != 0)
        #expect(encoder.errors.contains("next-token predictions need a causal model such as gemma3"), "\(encoder.errors)")
        let empty = try WorkbenchProcess.run(["next", "--model", Self.tiny])
        #expect(empty.status != 0 && empty.errors.contains("give a prompt"), "\(empty.errors)")
    }

    @Test("agree scores every condition and writes the table and the figure")
    func agree() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("agree-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try WorkbenchProcess.run(["agree", "--model", Self.tiny, "--limit", "2", "--set", "all", "--quiet",
                                            "--shared", ProbeCommandTests.shared.path, "--out", out.path])
        #expect(run.status == 0, "\(run.errors)")
        for condition in ["simple singular", "nounpp singular_plural", "gulordava English", "gulordava Italian"] {
            #expect(run.output.contains(condition), "\(condition): \(run.output)")
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("agreement.svg").path))
        let scores = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("agreement.json"))) as? [[String: Any]]
        #expect(scores?.count == 20)
        let bad = try WorkbenchProcess.run(["agree", "--model", Self.tiny, "--set", "linzen"])
        #expect(bad.errors.contains("--set must be lakretz"), "\(bad.errors)")
    }
}
