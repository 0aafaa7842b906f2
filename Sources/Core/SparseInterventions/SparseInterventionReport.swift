import Foundation
import Plotting

/// Tables and figures of a sparse-intervention study: De Cao et al.'s Table 4 form (per direction:
/// units, accuracy, KL), Table 6 form (per method: accuracy, units, wall time), the units with their
/// baseline values and their prevalence over seeds, and the training curves.
public enum SparseInterventionReport {
    package static func name(_ method: LearnedIntervention.Method) -> String {
        switch method {
        case .hardConcrete: return "Hard Concrete"
        case .reinforce: return "REINFORCE"
        case .integratedGradients: return "Integrated Gradients"
        }
    }

    /// Per method and direction, over seeds: mean accuracy, units, KL, time.
    public static func summaryRows(_ runs: [SparseInterventionStudy.Run]) -> [[String]] {
        var rows = [["method", "direction", "seeds", "held-out", "accuracy", "unedited", "units", "KL", "train s", "converged at step"]]
        var keys: [String] = []
        var groups: [String: [SparseInterventionStudy.Run]] = [:]
        for run in runs {
            let key = "\(run.intervention.method.rawValue)|\(run.intervention.direction)"
            if groups[key] == nil { keys.append(key) }
            groups[key, default: []].append(run)
        }
        for key in keys {
            let group = groups[key]!, first = group[0]
            func mean(_ value: (SparseInterventionStudy.Run) -> Double) -> Double { group.map(value).reduce(0, +) / Double(group.count) }
            let converged = group.compactMap(\.intervention.convergedAtStep)
            rows.append([name(first.intervention.method), "→ \(first.intervention.direction)", "\(group.count)", "\(first.outcome.examples)",
                         String(format: "%.1f%%", 100 * mean(\.outcome.accuracy)), String(format: "%.1f%%", 100 * mean(\.outcome.uneditedShare)),
                         String(format: "%.1f", mean { Double($0.intervention.units.count) }), String(format: "%.3f", mean(\.outcome.divergence)),
                         String(format: "%.0f", mean(\.intervention.trainingSeconds)),
                         converged.isEmpty ? "–" : String(format: "%.0f", Double(converged.reduce(0, +)) / Double(converged.count))])
        }
        return rows
    }

    /// Each unit a method chose, per direction: in how many seeds, and its mean baseline value.
    public static func unitRows(_ runs: [SparseInterventionStudy.Run]) -> [[String]] {
        var rows = [["method", "direction", "site", "unit", "prevalence", "baseline b (mean)"]]
        var seen: [String: (count: Int, baseline: Double, seeds: Int)] = [:], order: [String] = []
        var seedsPerGroup: [String: Int] = [:]
        for run in runs { seedsPerGroup["\(run.intervention.method.rawValue)|\(run.intervention.direction)", default: 0] += 1 }
        for run in runs {
            let group = "\(run.intervention.method.rawValue)|\(run.intervention.direction)"
            for unit in run.intervention.units {
                let key = "\(group)|\(unit)"
                if seen[key] == nil { order.append(key); seen[key] = (0, 0, seedsPerGroup[group]!) }
                seen[key]!.count += 1
                seen[key]!.baseline += Double(run.intervention.baseline[unit])
            }
        }
        let site = runs.first.map { "\($0.intervention.site)" } ?? ""
        // Most prevalent first; ties in the order the units first appeared (runs in order, units ascending).
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for key in order.sorted(by: { seen[$0]!.count > seen[$1]!.count || (seen[$0]!.count == seen[$1]!.count && position[$0]! < position[$1]!) }) {
            let parts = key.split(separator: "|"), entry = seen[key]!
            let method = LearnedIntervention.Method(rawValue: String(parts[0])).map(name) ?? String(parts[0])
            rows.append([method, "→ \(parts[1])", site, String(parts[2]), "\(entry.count)/\(entry.seeds)",
                         String(format: "%+.3f", entry.baseline / Double(entry.count))])
        }
        return rows
    }

    /// L_ratio and the expected number of open gates over training, one line per trained run.
    public static func trainingFigure(_ runs: [SparseInterventionStudy.Run], title: String) -> FigureGrid {
        let trained = runs.filter { !$0.intervention.history.isEmpty }
        func series(_ value: (LearnedIntervention.Step) -> Double) -> [LineChart.Series] {
            trained.enumerated().map { index, run in
                LineChart.Series("\(name(run.intervention.method)) → \(run.intervention.direction) s\(run.seed)",
                                 x: run.intervention.history.map { Double($0.step) }, y: run.intervention.history.map(value),
                                 color: Palette.color(index))
            }
        }
        let ratio = LineChart(title: "mean L_ratio = p(d)/p(t) (batch)", x: Axis("step"), y: Axis("ratio (log scale: ln)"),
                              series: series { log(max(1e-6, $0.ratio)) })
        let units = LineChart(title: "expected open gates Σ P(m ≠ 0)", x: Axis("step"), y: Axis("units"), series: series(\.expectedUnits))
        return FigureGrid([ratio, units], columns: 2, title: title)
    }

    /// The markdown section.
    public static func markdown(_ runs: [SparseInterventionStudy.Run], settings: SparseInterventionStudy.Settings, model: String,
                                task: InterventionTask) -> String {
        var text = "# Sparse interventions (De Cao et al. 2022): \(model), \(task.name), \(settings.steps.rawValue)-step, \(settings.site)\n\n"
        text += "Accuracy = share of held-out examples whose p(d)/p(t) falls below 1 after the edit; unedited = the same share without it. "
        text += "Units = gates open after training (P(m ≠ 0) > 0.5; REINFORCE σ(θ) > 0.5; IG: the top-attributed units, as many as Hard Concrete found). "
        text += "KL(p_original ‖ p_intervened) over the rows the edit can change.\n\n"
        text += markdownTable(summaryRows(runs)) + "\n"
        text += "## Units and their baselines\n\n" + markdownTable(unitRows(runs)) + "\n"
        text += "## Data\n\n"
        for direction in task.directions {
            text += "- → \(direction.name): \(direction.training.count) training, \(direction.heldOut.count) held-out examples\n"
        }
        if !task.skipped.isEmpty { text += "- left out: \(task.skipped.count) (e.g. \(task.skipped.prefix(2).joined(separator: "; ")))\n" }
        text += "\n## Settings\n\n"
        let described = runs.first?.intervention.settings ?? settings.training.described
        text += described.keys.sorted().map { "\($0)=\(described[$0]!)" }.joined(separator: ", ") + "\n"
        return text
    }

    package static func markdownTable(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in " --- |" }.joined()]
        for row in rows.dropFirst() { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }
}
