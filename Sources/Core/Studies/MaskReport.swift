import Foundation
import Analysis
import Plotting
import Support

/// The mask configs' part of a study's report: De Cao et al.'s Table 4 form (per config, method and
/// direction), Table 6 form (per config and method over directions and seeds), the units with their
/// baselines (``SparseInterventionReport``), and the training curves under `figures/`.
public enum MaskReport {
    /// Table 4 form: ``SparseInterventionReport/summaryRows(_:)`` of every config, with the task, steps and site.
    public static func directionRows(_ masks: [MaskConfigResult]) -> [[String]] {
        var rows: [[String]] = []
        for mask in masks {
            let summary = SparseInterventionReport.summaryRows(mask.runs)
            if rows.isEmpty { rows.append(["task", "steps", "site"] + summary[0]) }
            rows += summary.dropFirst().map { [mask.work.task.rawValue, mask.work.steps.rawValue, mask.work.site.description] + $0 }
        }
        return rows
    }

    /// Table 6 form: per config, the method's mean over its directions and seeds.
    public static func methodRows(_ masks: [MaskConfigResult]) -> [[String]] {
        var rows = [["task", "steps", "site", "method", "runs", "accuracy", "units", "KL", "train s"]]
        for mask in masks where !mask.runs.isEmpty {
            let runs = mask.runs, n = Double(runs.count)
            func mean(_ value: (SparseInterventionStudy.Run) -> Double) -> Double { runs.map(value).reduce(0, +) / n }
            rows.append([mask.work.task.rawValue, mask.work.steps.rawValue, mask.work.site.description,
                         SparseInterventionReport.name(mask.work.method), "\(runs.count)",
                         String(format: "%.1f%%", 100 * mean(\.outcome.accuracy)), String(format: "%.1f", mean { Double($0.intervention.units.count) }),
                         String(format: "%.3f", mean(\.outcome.divergence)), String(format: "%.0f", mean(\.intervention.trainingSeconds))])
        }
        return rows
    }

    /// The units every config chose, with their prevalence over seeds and mean baseline.
    public static func unitRows(_ masks: [MaskConfigResult]) -> [[String]] {
        var rows: [[String]] = []
        for mask in masks {
            let units = SparseInterventionReport.unitRows(mask.runs)
            if rows.isEmpty { rows.append(["task", "steps"] + units[0]) }
            rows += units.dropFirst().map { [mask.work.task.rawValue, mask.work.steps.rawValue] + $0 }
        }
        return rows
    }

    /// The configs grouped by task, steps and site (one training figure each), in plan order.
    static func groups(_ masks: [MaskConfigResult]) -> [(name: String, file: String, runs: [SparseInterventionStudy.Run])] {
        var groups: [(name: String, file: String, runs: [SparseInterventionStudy.Run])] = []
        for mask in masks {
            let file = "mask-training-\(mask.work.task.rawValue)-\(mask.work.steps.rawValue)-" + mask.work.site.description.replacingOccurrences(of: " ", with: "")
            if let index = groups.firstIndex(where: { $0.file == file }) {
                groups[index].runs += mask.runs
            } else {
                groups.append(("\(mask.model): \(mask.work.task.rawValue), \(mask.work.steps.rawValue)-step, \(mask.work.site)", file, mask.runs))
            }
        }
        return groups
    }

    /// The markdown section; writes `figures/mask-training-*.svg` into `folder`.
    public static func section(_ masks: [MaskConfigResult], folder: URL) throws -> String {
        var text = "## Sparse interventions (De Cao et al. 2022)\n\n"
        guard !masks.isEmpty else { return text + "No mask config has a result yet.\n" }
        text += "Accuracy = share of held-out examples whose p(d)/p(t) falls below 1 after the edit; unedited = the same share without it. "
        text += "Units = gates open after training (P(m ≠ 0) > 0.5; REINFORCE σ(θ) > 0.5; IG: the top-attributed units, as many as Hard Concrete found). "
        text += "KL(p_original ‖ p_intervened) over the rows the edit can change.\n\n"
        text += "### Per direction (Table 4 form)\n\n" + SparseInterventionReport.markdownTable(directionRows(masks)) + "\n"
        text += "### Per method (Table 6 form)\n\n" + SparseInterventionReport.markdownTable(methodRows(masks)) + "\n"
        text += "### Units and their baselines\n\n" + SparseInterventionReport.markdownTable(unitRows(masks)) + "\n"
        let compared = masks.filter { !($0.rankings ?? []).isEmpty }
        if !compared.isEmpty {
            text += "### Do the rankings find the units the model uses?\n\n"
            text += "Linear, Gaussian, Probeless and Random rankings of the site's units from the states at the subjects (labelled by direction); "
                + "for each direction's Hard Concrete units: their ranks (1 = top), the top-k overlap (a random ranking: k²/D on average), and the "
                + "held-out flip accuracy when a ranking's top k are ablated, translated towards the other class mean (β = 8, log-scaled) or set to "
                + "the mask's b — the mask's own accuracy in its row's last column.\n\n"
            for mask in compared {
                text += "\(mask.work.name):\n\n" + SparseInterventionReport.markdownTable(UnitRankingComparison.tableRows(mask.rankings ?? [])) + "\n"
            }
        }
        text += "### Data and settings\n\n"
        for mask in masks {
            let data = mask.directions.map { "→ \($0.name) \($0.training) training / \($0.heldOut) held-out" }.joined(separator: ", ")
            let settings = mask.runs.first?.intervention.settings ?? mask.work.training.described
            text += "- \(mask.work.name) on \(mask.model): \(data)" + (mask.skipped > 0 ? "; \(mask.skipped) items left out" : "")
                + String(format: "; %.0f s; ", mask.seconds) + settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: ", ") + "\n"
        }
        let figures = folder.appendingPathComponent("figures", isDirectory: true)
        var written: [String] = []
        for group in groups(masks) where group.runs.contains(where: { !$0.intervention.history.isEmpty }) {
            try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
            try SparseInterventionReport.trainingFigure(group.runs, title: group.name).write(to: figures.appendingPathComponent(group.file + ".svg"))
            written.append("figures/\(group.file).svg")
        }
        if !written.isEmpty { text += "\nTraining curves (L_ratio and expected open gates per step): " + written.joined(separator: ", ") + ".\n" }
        let activations = activationFigures(masks)
        if !activations.isEmpty {
            try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
            text += "\n### The units along a sentence (Fig. 1–2 form)\n\n"
            text += "Each direction's first mask with open units on its first held-out sentence, at the mask's site: solid as the model "
                + "computes the units, dashed with the intervention.\n\n"
            for (file, traces, figure) in activations {
                try figure.write(to: figures.appendingPathComponent(file))
                text += "- \(SparseInterventionReport.name(traces.method)) → \(traces.direction) (seed \(traces.seed), \(traces.site), units "
                    + traces.units.map(String.init).joined(separator: ", ") + ", subject at token \(traces.subjectRow)): "
                    + "![\(traces.direction)](figures/\(file)) `\(traces.tokens.joined(separator: " "))`\n"
            }
        }
        return text
    }
}

extension MaskReport {
    /// The mask configs' results in a study's results folder, in plan order.
    ///
    /// - Throws: ``StudyError/mergeMismatch(_:)`` when the folder is not a study's or a result cannot be read.
    public static func load(from folder: URL) throws -> [MaskConfigResult] {
        let record = try StudyResults.record(in: folder)
        let found = try StudyResults.masks(in: folder, record: record)
        return record.configs.compactMap { found[$0.identifier] }
    }

    /// The training curves of each task × steps × site (L_ratio and expected open gates per step),
    /// with their SVG file names; groups without a trained run (IG alone) are left out.
    public static func trainingFigures(_ masks: [MaskConfigResult]) -> [(file: String, figure: FigureGrid)] {
        groups(masks).filter { $0.runs.contains { !$0.intervention.history.isEmpty } }
            .map { ($0.file, SparseInterventionReport.trainingFigure($0.runs, title: $0.name)) }
    }

    /// What a finished run prints: the Table 6 form (per config and method), the Table 4 form (per
    /// direction) and, for the configs that compared them, where the rankings put the mask's units.
    public static func terminalSummary(_ masks: [MaskConfigResult]) -> String {
        guard !masks.isEmpty else { return "" }
        var text = "Sparse interventions, per method (Table 6 form):\n" + TextTable.render(methodRows(masks))
        text += "\n\nper direction (Table 4 form):\n" + TextTable.render(directionRows(masks))
        for mask in masks where !(mask.rankings ?? []).isEmpty {
            text += "\n\ndo the rankings find the units? \(mask.work.name):\n" + TextTable.render(UnitRankingComparison.tableRows(mask.rankings ?? []))
        }
        return text
    }

    /// De Cao et al.'s Fig. 1–2 of every config that recorded them, with their SVG file names.
    public static func activationFigures(_ masks: [MaskConfigResult]) -> [(file: String, traces: MaskActivationTraces, figure: LineChart)] {
        masks.flatMap { mask in
            (mask.activations ?? []).map { traces in
                let file = "mask-activations-\(mask.work.task.rawValue)-\(mask.work.steps.rawValue)-"
                    + mask.work.site.description.replacingOccurrences(of: " ", with: "") + "-\(traces.method.rawValue)-\(traces.direction).svg"
                return (file, traces, MaskActivationFigure.figure(traces))
            }
        }
    }

    /// P(open) per unit after training, for the `limit` units most likely open in any run of each
    /// task × steps × site, one bar per run.
    public static func openFigures(_ masks: [MaskConfigResult], limit: Int = 16) -> [(file: String, figure: BarChart)] {
        groups(masks).compactMap { group -> (file: String, figure: BarChart)? in
            let runs = group.runs.filter { !$0.intervention.openProbability.isEmpty }
            guard let width = runs.first?.intervention.openProbability.count, width > 0 else { return nil }
            var most: [(unit: Int, open: Float)] = []
            for unit in 0..<width {
                let open: Float = runs.map { $0.intervention.openProbability[unit] }.max() ?? 0
                most.append((unit, open))
            }
            most.sort { $0.open > $1.open || ($0.open == $1.open && $0.unit < $1.unit) }
            let best: [Int] = most.prefix(limit).map(\.unit).sorted()
            var series: [BarChart.Series] = []
            for (index, run) in runs.enumerated() {
                let name = "\(SparseInterventionReport.name(run.intervention.method)) → \(run.intervention.direction) s\(run.seed)"
                let values: [Double] = best.map { Double(run.intervention.openProbability[$0]) }
                series.append(BarChart.Series(name, values: values, color: Palette.color(index)))
            }
            let file = group.file.replacingOccurrences(of: "mask-training-", with: "mask-open-")
            return (file, BarChart(categories: best.map(String.init), series: series, title: "P(open) per unit: \(group.name)",
                                   xLabel: "unit", y: Axis("P(m ≠ 0)")))
        }
    }
}
