import Foundation
import Plotting
import Support

/// The outputs of an intervention study: Table 1/3-style summaries (CLWV and neuron count at the
/// saturation point per ranking and layer), Fig. 4-style curves, as JSON, CSV, markdown and SVG.
public struct InterventionReport: Sendable {
    public var results: [InterventionResult]

    public init(results: [InterventionResult]) { self.results = results }

    /// The three probing-based rankings of Table 1, in column order.
    static let tableRankings = ["linear", "gaussian", "probeless"]

    /// `0.37, 50` — CLWV and neurons at saturation; `—` when the curve does not saturate.
    static func cell(_ curve: InterventionCurve?) -> String {
        guard let curve else { return "" }
        guard let point = curve.saturation else { return "—" }
        return String(format: "%.2f, %d", point.clwv, point.neurons)
    }

    /// Rows of the Table 1-style summary, one per config × edit.
    public var tableRows: [[String]] {
        var rows: [[String]] = [["config", "edit", "Linear", "Gaussian", "Probeless", "err@sat (P)", "words", "unanalysed", "analyser", "head"]]
        for result in results {
            let curves = Dictionary(result.curves.map { ($0.ranking, $0) }, uniquingKeysWith: { a, _ in a })
            let probeless = curves["probeless"]?.saturation.map { String(format: "%.2f", $0.errorRate) } ?? "—"
            rows.append([result.configName, result.editName] + Self.tableRankings.map { Self.cell(curves[$0]) }
                        + [probeless, String(result.words),
                           "\(result.unanalysedPredictions)/\(result.distinctWrongPredictions)",
                           result.analyser, result.head == ReadoutHead.label ? "fitted*" : "pretrained"])
        }
        return rows
    }

    /// The printed summary: the table, then the notes every number needs.
    public var summary: String {
        var text = "CLWV at the saturation point, neurons modified there (Antverg & Belinkov Table 1 style; — = no saturation)\n\n"
        text += TextTable.render(tableRows)
        if results.contains(where: { $0.head == ReadoutHead.label }) {
            text += "\n\n* \(ReadoutHead.label)"
            var seen: [String] = []
            for result in results where result.headHeldOutAccuracy != nil && !seen.contains(result.language) { seen.append(result.language) }
            let accuracies = seen.compactMap { language in
                results.first { $0.language == language }?.headHeldOutAccuracy.map { String(format: "%@ %.1f%%", language, $0 * 100) }
            }
            if !accuracies.isEmpty { text += "; held-out dev tokens reproduced: " + accuracies.joined(separator: ", ") }
        }
        text += "\nunanalysed = distinct wrong predictions the analyser could not analyse / all distinct wrong predictions"
        var reported = Set<String>()
        for result in results {
            // One line per config and edit (the analysers share the selection, made with the first one).
            if let beta = result.betaSelection, reported.insert(result.configName + result.editName).inserted {
                text += "\n\(result.configName): β = \(beta.chosen.compactText) chosen on \(beta.split) from "
                    + zip(beta.candidates, beta.scores).map { String(format: "%@ (%.3f)", $0.compactText, $1) }.joined(separator: ", ")
            }
        }
        return text
    }

    /// Curves as CSV rows: config, edit, ranking, k, error rate, CLWV, wrong, unanalysed, analyser, head.
    public var curvesCSV: String {
        var lines = ["model,language,attribute,layer,edit,ranking,k,error_rate,clwv,wrong,unanalysed,words,analyser,head"]
        for result in results {
            for curve in result.curves {
                for (index, k) in curve.neuronCounts.enumerated() {
                    lines.append([result.model, result.language, result.attribute, String(result.layer), result.editName, curve.ranking, String(k),
                                  String(format: "%.5f", curve.errorRate[index]), String(format: "%.5f", curve.clwv[index]),
                                  String(curve.wrong[index]), String(curve.unanalysed[index]), String(result.words),
                                  result.analyser, result.head].map(Self.csvField).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Saturation points as CSV rows (Table 1/3).
    public var tableCSV: String {
        var lines = ["model,language,attribute,layer,edit,ranking,saturation_k,clwv,error_rate,analyser,head"]
        for result in results {
            for curve in result.curves {
                lines.append([result.model, result.language, result.attribute, String(result.layer), result.editName, curve.ranking,
                              curve.saturation.map { String($0.neurons) } ?? "", curve.saturation.map { String(format: "%.5f", $0.clwv) } ?? "",
                              curve.saturation.map { String(format: "%.5f", $0.errorRate) } ?? "", result.analyser, result.head]
                    .map(Self.csvField).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Error rate and CLWV against k side by side (Fig. 4): colour = ranking, solid = top-to-bottom,
    /// dotted = bottom-to-top, dashed = random, one shared legend.
    public static func figure(_ result: InterventionResult) -> FigureGrid {
        let note = result.head == ReadoutHead.label ? " — \(ReadoutHead.label)" : ""
        func panel(_ title: String, _ values: (InterventionCurve) -> [Double]) -> LineChart {
            let series = result.curves.map { curve in
                RankingStyle.series(curve.ranking, x: curve.neuronCounts.map(Double.init), y: values(curve))
            }
            return LineChart(title: title, x: Axis("neurons modified (k)"), y: Axis(title, range: 0...1), series: series)
        }
        return FigureGrid([panel("error rate", \.errorRate), panel("CLWV", \.clwv)],
                          title: "\(result.configName), \(result.editName) (\(result.analyser))\(note)",
                          legendEntries: RankingStyle.legend(for: result.curves.map(\.ranking)))
    }

    /// A file-name-safe name of a result.
    public static func slug(_ result: InterventionResult) -> String {
        "\(result.language)-\(result.attribute)-layer\(result.layer)-\(result.edit.fileName)-\(result.analyser)".lowercased()
            .replacingOccurrences(of: ":", with: "-")
            .map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") ? String($0) : "_" }.joined()
    }

    /// Writes results.json, curves.csv, table.csv, summary.md and figures/*.svg.
    public func write(to folder: URL) throws {
        let figures = folder.appendingPathComponent("figures", isDirectory: true)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: folder.appendingPathComponent("results.json"), options: .atomic)
        try Data(curvesCSV.utf8).write(to: folder.appendingPathComponent("curves.csv"), options: .atomic)
        try Data(tableCSV.utf8).write(to: folder.appendingPathComponent("table.csv"), options: .atomic)
        try Data((summary + "\n").utf8).write(to: folder.appendingPathComponent("summary.md"), options: .atomic)
        for result in results {
            try Self.figure(result).write(to: figures.appendingPathComponent(Self.slug(result) + ".svg"))
        }
    }
}
