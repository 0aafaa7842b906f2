import Foundation
import Analysis
import Support
import Plotting
import Statistics
import Corpora
import Probing

/// The report while a whole run goes on: after each probing config it computes, `report.md` says
/// how many are done and shows their tables, and that config's figures are written, so the first
/// results can be opened minutes into a long grid. The final report (``StudyResults/writeReport(plan:results:interventions:masks:to:)``)
/// replaces it: every file it writes is written again from all the results, so a run's folder ends
/// byte for byte as a run without progress reports would leave it.
extension StudyResults {
    /// The tables that describe configs one by one (the cross-config tests wait for all of them).
    static let progressKinds: Set<ReportKind> = [.accuracyCurves, .selectivity, .overlaps, .durrani]

    /// Writes `report.md` for the probing results so far (in plan order) and the figures of the
    /// last one; each file through a temporary name and a rename.
    static func writeProgressReport(plan: StudyPlan, results: [ConfigResult], probingCount: Int, to folder: URL) throws {
        let study = plan.study
        let kinds = (study.reports.isEmpty ? Set(ReportKind.allCases) : Set(study.reports)).intersection(progressKinds)
        if let last = results.last { try GridReport(results: [last], kinds: kinds, seed: study.seed).writeFigures(to: folder) }
        let report = GridReport(results: results, kinds: kinds, seed: study.seed)
        let time = ISO8601DateFormatter().string(from: Date())
        var text = "# Study \(study.name) — in progress\n\n"
        text += "**\(results.count) of \(probingCount) probing configs done** (\(time)). This report is rewritten as each "
            + "config finishes; the Wilcoxon tests, clusters, CSV and JSON tables come with the final report, when all are done. "
            + "A run that stopped leaves this file as it was: run it again and the finished configs are read back from the cache.\n\n"
        if kinds.contains(.accuracyCurves) {
            text += "Figures so far: " + results.map { "`figures/accuracy-\($0.config.fileStem).svg`" }.joined(separator: ", ") + ".\n\n"
        }
        text += summaryLine(study: study, model: plan.modelFolder.path, configCount: plan.configs.count)
        for note in plan.notes { text += "- \(note)\n" }
        text += "\n" + report.summary
        try Data(text.utf8).write(to: folder.appendingPathComponent("report.md"), options: .atomic)
    }
}
