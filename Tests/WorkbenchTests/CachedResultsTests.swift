import DSL
import Foundation
import Testing

/// Results read back from the cache are the results that were computed: a changed byte is caught
/// by the checksum, reported, and the result computed again.
@Suite("cached results are verified")
struct CachedResultsTests {
    /// Changes the first decimal digit of the first fraction after `"<key>":` in a JSON file (one
    /// edited digit, as a hand edit or bit rot makes).
    static func editDigit(after key: String, in url: URL) throws {
        var text = try String(contentsOf: url, encoding: .utf8)
        guard let keyRange = text.range(of: "\"\(key)\":"), let point = text[keyRange.upperBound...].firstIndex(of: "."),
              let value = text[text.index(after: point)].wholeNumberValue else { throw CocoaError(.fileReadCorruptFile) }
        let digit = text.index(after: point)
        text.replaceSubrange(digit...digit, with: String((value + 1) % 10))
        try Data(text.utf8).write(to: url)
    }

    @Test("a digit edited in a cached config result or sweep never reaches report.md: it is recomputed, with a warning")
    func editedDigit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("verified-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let study = Study("verified") {
            Model(.local(StudyDSLTests.tiny)); Languages(.spanish); Attributes(.number); Layers(1)
            Rank(.probeless, .random); Probe(.gaussian, neurons: [1, 4, 10, 16])
            Intervene(.ablate, neurons: [0, 8, 16])
        }
        let options = StudyDSLTests.options(.whole, root: root, folder: "out")
        let first = try study.run(options: options, log: { _ in })
        #expect(first.computed == 2)
        let report = try String(contentsOf: root.appendingPathComponent("out/report.md"), encoding: .utf8)
        let table = try String(contentsOf: root.appendingPathComponent("out/interventions/curves.csv"), encoding: .utf8)

        let results = root.appendingPathComponent("cache/results")
        let configFile = try #require(try FileManager.default.contentsOfDirectory(atPath: results.path).first { $0.hasSuffix(".json") })
        try Self.editDigit(after: "linear", in: results.appendingPathComponent(configFile))
        let sweeps = results.appendingPathComponent("interventions")
        let sweepFile = try #require(try FileManager.default.contentsOfDirectory(atPath: sweeps.path).first { $0.hasSuffix(".json") })
        try Self.editDigit(after: "errorRate", in: sweeps.appendingPathComponent(sweepFile))

        var lines: [String] = []
        let second = try study.run(options: options, log: { lines.append($0) })
        #expect(second.computed == 2 && second.cached == 0)
        #expect(second.results.map(\.fullAccuracy) == first.results.map(\.fullAccuracy))
        #expect(try String(contentsOf: root.appendingPathComponent("out/report.md"), encoding: .utf8) == report)
        #expect(try String(contentsOf: root.appendingPathComponent("out/interventions/curves.csv"), encoding: .utf8) == table)
        let warnings = lines.filter { $0.hasPrefix("warning: the cached result") && $0.contains("do not match their checksum") }
        #expect(warnings.count == 2, "\(lines)")
        let third = try study.run(options: options, log: { _ in })
        #expect(third.cached == 2, "the recomputed results are trusted again")
    }

    @Test("a study's intervention sweeps share one loaded model: it loads once per run, and not at all when every sweep is cached")
    func modelLoadedOnce() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("load-once-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let study = Study("load once") {
            Model(.local(StudyDSLTests.tiny)); Languages(.spanish); Attributes(.number); Layers(1, 2)
            Rank(.probeless); Probe(.gaussian, neurons: [1, 4])
            Intervene(.ablate, neurons: [0, 8])
        }
        let options = StudyDSLTests.options(.whole, root: root, folder: "out")
        var lines: [String] = []
        let first = try study.run(options: options, log: { lines.append($0) })
        #expect(first.computed == 4, "two probing configs and two sweeps")
        #expect(lines.filter { $0.contains("(once for this run)") }.count == 1, "\(lines)")
        lines = []
        let second = try study.run(options: options, log: { lines.append($0) })
        #expect(second.cached == 4)
        #expect(lines.filter { $0.contains("(once for this run)") }.isEmpty, "\(lines)")
    }
}
