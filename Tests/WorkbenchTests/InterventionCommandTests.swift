import Foundation
import Testing

/// `workbench intervene` end to end on real treebanks with a tiny fixture masked LM.
@Suite("workbench intervene")
struct InterventionCommandTests {
    @Test("ablation and translation sweeps, scored by the lexicon and Apertium, print the Table 1 summary and write every file")
    func sweep() throws {
        guard FileManager.default.fileExists(atPath: ProbeCommandTests.shared.appendingPathComponent("ud/UD_Spanish-GSD").path) else {
            Issue.record("../shared/ud is missing beside the repository")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intervene-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["intervene", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path,
                         "--languages", "Spanish", "--attributes", "Number,Gender", "--layers", "1", "--max-sentences", "20",
                         "--analysers", "lexicon,apertium", "--shared", ProbeCommandTests.shared.path,
                         "--cache", folder.appendingPathComponent("cache").path, "--out", folder.appendingPathComponent("out").path]
        let run = try WorkbenchProcess.run(arguments)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("Table 1 style"), "\(run.output)")
        for config in ["Spanish Number layer 1", "Spanish Gender and Noun Class layer 1"] {
            for edit in ["ablate", "translate β=8"] {
                for analyser in ["lexicon", "apertium:spa-eng"] {
                    #expect(run.output.split(separator: "\n").contains { $0.contains(config) && $0.contains(edit) && $0.contains(analyser) },
                            "\(config) \(edit) \(analyser): \(run.output)")
                }
            }
        }
        let out = folder.appendingPathComponent("out")
        for file in ["results.json", "curves.csv", "table.csv", "summary.md", "figures/spanish-number-layer1-ablate-lexicon.svg", "figures/spanish-gender_and_noun_class-layer1-translate-beta8-apertium-spa-eng.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [[String: Any]]
        let results = try #require(json)
        #expect(results.count == 2 * 2 * 2)
        let first = try #require(results.first)
        #expect(first["head"] as? String == "pretrained masked-LM head")
        let curves = try #require(first["curves"] as? [[String: Any]])
        #expect(curves.map { $0["ranking"] as? String } == ["linear", "linear↑", "gaussian", "gaussian↑", "probeless", "probeless↑", "random"])
        #expect(curves.first?["neuronCounts"] as? [Int] == [0, 10, 16])
        let provenance = try #require(first["provenance"] as? [String: Any])
        #expect((provenance["modelHash"] as? String)?.isEmpty == false)
        let lines = try String(contentsOf: out.appendingPathComponent("curves.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 8 * 7 * 3)
    }

    @Test("--target is checked against the datasets' labels before the model loads or anything is extracted")
    func unknownTarget() throws {
        guard FileManager.default.fileExists(atPath: ProbeCommandTests.shared.appendingPathComponent("ud/UD_Spanish-GSD").path) else {
            Issue.record("../shared/ud is missing beside the repository")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intervene-target-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let run = try WorkbenchProcess.run(["intervene", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path,
                                            "--languages", "Spanish", "--attributes", "Number", "--layers", "1", "--target", "XX",
                                            "--shared", ProbeCommandTests.shared.path, "--cache", cache.path,
                                            "--out", folder.appendingPathComponent("out").path])
        #expect(run.status == 1)
        #expect(run.errors == "error: target value 'XX' is not a label of Number (labels: PL, SG)\n", "\(run.errors)")
        let built = (try? FileManager.default.subpathsOfDirectory(atPath: cache.path)) ?? []
        #expect(built.isEmpty, "nothing is extracted or fitted before the refusal: \(built)")
        let unknown = try WorkbenchProcess.run(["intervene", "--model", "nosuchname", "--shared", ProbeCommandTests.shared.path,
                                                "--cache", cache.path, "--out", folder.appendingPathComponent("out2").path])
        #expect(unknown.errors.hasPrefix("error: unknown model 'nosuchname': the known names are minilm, mbert"), "\(unknown.errors)")
    }

    @Test("an unknown edit or analyser is named")
    func badOptions() throws {
        let edit = try WorkbenchProcess.run(["intervene", "--edits", "frobnicate"])
        #expect(edit.status == 64)
        #expect(edit.errors.contains("unknown edit 'frobnicate'"), "\(edit.errors)")
        let analyser = try WorkbenchProcess.run(["intervene", "--analysers", "spacy"])
        #expect(analyser.errors.contains("'spacy' is not lexicon or apertium"), "\(analyser.errors)")
    }
}
