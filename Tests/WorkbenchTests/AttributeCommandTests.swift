import Foundation
import Testing

/// `workbench attribute` end to end through the executable, on the tiny BERT with its masked-LM head.
@Suite("workbench attribute")
struct AttributeCommandTests {
    static let tiny = WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path

    @Test("a masked LM compares two fillers at the prompt's [MASK], and writes the table, the figure and the JSON")
    func maskedLM() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("attribute-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try WorkbenchProcess.run(["attribute", "--model", Self.tiny, "--compare", "are,is", "--site", "residual:1,mlp:2",
                                            "--steps", "4", "--top", "3", "--out", out.path, "the keys to the cabinet [MASK] to"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("log p(are) − log p(is) = "), "\(run.output)")
        #expect(run.output.contains("at the mask (position 11)"), "\(run.output)")
        #expect(run.output.contains("completeness gap"), "\(run.output)")
        for site in ["residual-1", "mlp-2"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("attribution-\(site).svg").path), "\(site)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("attribution.json"))) as? [String: Any]
        let sites = json?["sites"] as? [[String: Any]]
        #expect(sites?.count == 2)
        #expect(sites?.first?["position"] as? Int == 11)

        let twoMasks = try WorkbenchProcess.run(["attribute", "--model", Self.tiny, "--compare", "are,is", "--out", out.path, "[MASK] keys [MASK]"])
        #expect(twoMasks.status != 0)
        #expect(twoMasks.errors.contains("the prompt has 2 [MASK] words"), "\(twoMasks.errors)")
    }
}
