import Foundation
import Plotting
import Statistics

/// The figures of a probing grid, drawn with the Plotting module (Antverg Fig. 1 and 3; Durrani Fig. 1–2).
extension GridReport {
    /// Accuracy (or selectivity) against k: one panel per classifier; colour = ranking, solid =
    /// top-to-bottom, dotted = bottom-to-top, dashed = random (as Antverg & Belinkov Fig. 3).
    public static func curvesFigure(_ result: ConfigResult, selectivity: Bool = false) -> FigureGrid {
        let classifiers = ProbeKind.allCases.filter { classifier in result.curves.contains { $0.classifier == classifier } }
        let charts = classifiers.map { classifier -> LineChart in
            let series = result.curves.filter { $0.classifier == classifier }.compactMap { curve -> LineChart.Series? in
                guard let values = selectivity ? curve.selectivity : curve.accuracy else { return nil }
                return RankingStyle.series(curve.ranking, x: curve.neuronCounts.map(Double.init), y: values.map { $0 * 100 })
            }
            return LineChart(title: classifier == .linear ? "Linear probe" : "Gaussian probe",
                             x: Axis("neurons (k)"), y: Axis(selectivity ? "selectivity (points)" : "test accuracy (%)"),
                             series: series)
        }
        return FigureGrid(charts, title: "\(result.config.name) — \(selectivity ? "selectivity" : "accuracy") by ranking",
                          legendEntries: RankingStyle.legend(for: result.curves.map(\.ranking)))
    }

    /// Top-100 overlaps between the rankings of one config (Fig. 1).
    public static func overlapFigure(_ result: ConfigResult) -> Heatmap? {
        let names = ["linear", "gaussian", "probeless", "random"].filter { result.rankings[$0] != nil }
        guard names.count >= 2, result.neuronCount >= overlapTop else { return nil }
        let orders = names.map { result.rankings[$0]! }
        let matrix = RankingOverlap(orders, top: overlapTop).matrix.map { $0.map(Double.init) }
        return Heatmap(matrix, rows: names, columns: names, title: "\(result.config.name): top-\(overlapTop) overlap",
                       range: 0...Double(overlapTop), colorBarLabel: "shared neurons")
    }

    /// The configs' t-SNE coordinates coloured by K-means cluster (App. A.6).
    public func clusterFigure() -> ScatterPlot? {
        guard !clusters.isEmpty else { return nil }
        let count = (clusters.map(\.cluster).max() ?? 0) + 1
        // Labels that would overlap are left out of the figure; the legend counts each cluster's
        // configs and report.md lists them.
        let sizes = (0..<count).map { cluster in clusters.filter { $0.cluster == cluster }.count }
        return ScatterPlot(points: clusters.map { .init(x: $0.x, y: $0.y, category: $0.cluster, label: $0.config) },
                           categories: sizes.enumerated().map { "cluster \($0.offset) (\($0.element) config\($0.element == 1 ? "" : "s"))" },
                           title: "Configs by their accuracy curves (K-means, t-SNE)",
                           x: Axis("t-SNE 1"), y: Axis("t-SNE 2"))
    }

    /// Where the minimal neuron set sits across layers (Durrani Fig. 1), for all-layers configs.
    public static func layerFigure(_ result: ConfigResult) -> BarChart? {
        guard result.config.layer == nil, let durrani = result.durrani, !durrani.layerDistribution.isEmpty else { return nil }
        let layers = durrani.layerDistribution.keys.sorted()
        return BarChart(categories: layers.map { "layer \($0)" },
                        series: [.init("neurons in the minimal set (δ = 0.5)", values: layers.map { Double(durrani.layerDistribution[$0] ?? 0) })],
                        title: "\(result.config.name): minimal neuron set by layer", y: Axis("neurons"), legend: .hidden, showsValues: true)
    }

    /// How many neurons carry half of each label's weight mass (Durrani Fig. 2).
    public static func labelFigure(_ result: ConfigResult) -> BarChart? {
        guard let durrani = result.durrani, !durrani.neuronsPerLabel.isEmpty else { return nil }
        let labels = durrani.neuronsPerLabel.keys.sorted()
        return BarChart(categories: labels, series: [.init("neurons", values: labels.map { Double(durrani.neuronsPerLabel[$0]!) })],
                        title: "\(result.config.name): neurons per label", y: Axis("neurons"), legend: .hidden, showsValues: true)
    }

    /// Writes every figure as SVG under `folder/figures`.
    public func writeFigures(to folder: URL) throws {
        let figures = folder.appendingPathComponent("figures", isDirectory: true)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        for result in results {
            let name = result.config.fileStem
            if kinds.contains(.accuracyCurves), !result.curves.isEmpty {
                try Self.curvesFigure(result).write(to: figures.appendingPathComponent("accuracy-\(name).svg"))
            }
            if kinds.contains(.selectivity), result.curves.first?.selectivity != nil {
                try Self.curvesFigure(result, selectivity: true).write(to: figures.appendingPathComponent("selectivity-\(name).svg"))
            }
            if kinds.contains(.overlaps) { try Self.overlapFigure(result)?.write(to: figures.appendingPathComponent("overlap-\(name).svg")) }
            if kinds.contains(.durrani) {
                try Self.layerFigure(result)?.write(to: figures.appendingPathComponent("layers-\(name).svg"))
                try Self.labelFigure(result)?.write(to: figures.appendingPathComponent("labels-\(name).svg"))
            }
        }
        try clusterFigure()?.write(to: figures.appendingPathComponent("clusters.svg"))
    }
}
