import DSL
import Foundation
import Testing

/// The report of a whole run while it goes on, and what it ends as.
@Suite("report while a run goes on")
struct ProgressReportTests {
    /// Every file under a folder, by its path inside it, with its bytes.
    static func files(in folder: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        let root = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            found[String(url.standardizedFileURL.path.dropFirst(root.count + 1))] = try Data(contentsOf: url)
        }
        return found
    }

    @Test("report.md counts the configs done as they finish; the folder ends byte for byte as merge writes it from the same results")
    func progressConverges() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let study = Study("progress") {
            Model(.local(StudyDSLTests.tiny)); Languages(.spanish); Attributes(.number, .gender); Layers(1, 2)
            Rank(.probeless, .gaussian, .random); Probe(.linear, .gaussian, neurons: [1, 4, 16]); Control(.uniform)
        }
        let whole = root.appendingPathComponent("whole")
        var seen: [(line: String, report: String, figures: [String])] = []
        let outcome = try study.run(options: StudyDSLTests.options(.whole, root: root, folder: "whole")) { line in
            // "[i/4] …" comes before config i's report is written: the report then says i − 1 are done.
            guard line.hasPrefix("[") || line.hasPrefix("report so far: ") else { return }
            let report = (try? String(contentsOf: whole.appendingPathComponent("report.md"), encoding: .utf8)) ?? ""
            let figures = (try? FileManager.default.contentsOfDirectory(atPath: whole.appendingPathComponent("figures").path)) ?? []
            seen.append((line, report, figures.sorted()))
        }
        #expect(outcome.results.count == 4 && outcome.computed == 4)
        #expect(seen.map { String($0.line.prefix(5)) } == ["[1/4]", "repor", "[2/4]", "[3/4]", "[4/4]"], "\(seen.map(\.line))")
        #expect(seen[0].report.isEmpty, "no report before the first config")
        #expect(seen[1].line == "report so far: \(whole.appendingPathComponent("report.md").path) (updated as configs finish)")
        for (index, done) in [(1, 1), (2, 1), (3, 2), (4, 3)] {
            let report = seen[index].report
            #expect(report.hasPrefix("# Study progress — in progress\n\n**\(done) of 4 probing configs done**"), "\(report.prefix(200))")
            #expect(report.contains("## Accuracy (%) on the top k neurons") && !report.contains("## Wilcoxon"), "\(report)")
            #expect(seen[index].figures.filter { $0.hasPrefix("accuracy-") }.count == done, "\(seen[index].figures)")
        }
        let final = try String(contentsOf: whole.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(final.hasPrefix("# Study progress\n\n") && !final.contains("in progress"))
        // merge writes the final report from the same results, with no report in between.
        try StudyResults.merge([whole], into: root.appendingPathComponent("merged"))
        let ran = try Self.files(in: whole), merged = try Self.files(in: root.appendingPathComponent("merged"))
        #expect(ran.keys.sorted() == merged.keys.sorted())
        #expect(ran.keys.contains("figures/clusters.svg") && ran.keys.contains("wilcoxon.csv"))
        for (path, data) in ran where merged[path] != data { Issue.record("\(path) differs from the one merge writes") }
    }
}
