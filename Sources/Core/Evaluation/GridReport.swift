import Foundation
import Kernels
import Statistics

/// The cross-config analyses of a probing grid (Antverg & Belinkov §3, App. A.3, A.6–A.7;
/// Durrani et al. tables) and their files: JSON, CSV and a markdown summary.
public struct GridReport: Sendable {
    public struct WilcoxonRow: Sendable, Codable {
        public var k: Int
        public var first: String, second: String
        public var configs: Int
        public var meanDifference: Double
        public var statistic: Double
        public var pValue: Double
        public var method: String
    }
    public struct ClusterRow: Sendable, Codable {
        public var config: String
        public var cluster: Int
        public var x: Double, y: Double
    }
    public struct OverlapRow: Sendable, Codable {
        public var scope: String
        public var first: String, second: String
        public var overlap: Int
        public var expectedRandom: Double
    }

    public var results: [ConfigResult]
    /// The tables and figures this report makes.
    public var kinds: Set<ReportKind>
    public var wilcoxon: [WilcoxonRow] = []
    public var clusters: [ClusterRow] = []
    public var overlaps: [OverlapRow] = []
    /// Expected overlap of the top-100 of i random rankings, i = 2, 3, for the first config's width.
    public var expectedOverlaps: [Int: Double] = [:]

    /// The combinations whose curves are clustered: top-to-bottom rankings × both classifiers.
    static let clusteredRankings = ["linear", "gaussian", "probeless", "random"]
    static let testedKs = [10, 50, 150]
    static let overlapTop = 100

    public init(results: [ConfigResult], kinds: Set<ReportKind> = Set(ReportKind.allCases), seed: UInt64 = 1) {
        self.results = results
        self.kinds = kinds
        if kinds.contains(.wilcoxon) { wilcoxon = Self.wilcoxonTable(results) }
        if kinds.contains(.clusters) { clusters = Self.clusterTable(results, seed: seed) }
        if kinds.contains(.overlaps) { overlaps = Self.overlapTable(results) }
        if let d = results.first?.neuronCount, d >= Self.overlapTop {
            for i in [2, 3] { expectedOverlaps[i] = ExpectedOverlap.expected(rankings: i, neurons: d, top: Self.overlapTop) }
        }
    }

    /// Wilcoxon signed-rank tests across configs, at k ∈ {10, 50, 150}, between every pair of
    /// classifier–ranking combinations (App. A.7).
    static func wilcoxonTable(_ results: [ConfigResult]) -> [WilcoxonRow] {
        guard let first = results.first, results.count >= 2 else { return [] }
        let combinations = first.curves.map(\.combination)
        var rows: [WilcoxonRow] = []
        for k in testedKs where first.curves.first?.neuronCounts.contains(k) == true {
            let values: [String: [Double]] = Dictionary(uniqueKeysWithValues: combinations.map { combination in
                (combination, results.compactMap { result in result.curves.first { $0.combination == combination }?.accuracy(at: k) })
            })
            for (i, a) in combinations.enumerated() {
                for b in combinations[(i + 1)...] {
                    guard let x = values[a], let y = values[b], x.count == y.count, x.count >= 2 else { continue }
                    let differences = zip(x, y).map { $0 - $1 }
                    let mean = differences.reduce(0, +) / Double(differences.count)
                    if differences.allSatisfy({ $0 == 0 }) {
                        rows.append(WilcoxonRow(k: k, first: a, second: b, configs: x.count, meanDifference: 0, statistic: 0, pValue: 1, method: "all equal"))
                        continue
                    }
                    let test = WilcoxonSignedRank(differences: differences)
                    rows.append(WilcoxonRow(k: k, first: a, second: b, configs: x.count, meanDifference: mean,
                                            statistic: test.statistic, pValue: test.pValue, method: test.method.rawValue))
                }
            }
        }
        return rows
    }

    /// K-means (K = 3) of the configs' top-to-bottom curves, projected with t-SNE (App. A.6).
    static func clusterTable(_ results: [ConfigResult], seed: UInt64) -> [ClusterRow] {
        guard results.count >= 3 else { return [] }
        let rows = results.map { result -> [Float] in
            ProbeKind.allCases.flatMap { classifier in
                clusteredRankings.flatMap { ranking in (result.curve(classifier, ranking)?.accuracy ?? []).map(Float.init) }
            }
        }
        let width = rows.map(\.count).min() ?? 0
        guard width > 0 else { return [] }
        let matrix = Tensor(shape: [rows.count, width], scalars: rows.flatMap { $0.prefix(width) })
        let clusters = KMeans(matrix, clusters: min(3, results.count), seed: seed)
        let perplexity = max(1, min(30, Double(results.count - 1) / 3))
        let map = TSNE(matrix, options: .init(perplexity: perplexity, seed: seed))
        return results.indices.map { i in
            ClusterRow(config: results[i].config.name, cluster: clusters.assignments[i],
                       x: Double(map.embedding[i, 0]), y: Double(map.embedding[i, 1]))
        }
    }

    /// Top-100 overlaps between rankings within each config, and between languages for the same
    /// attribute, layer and ranking (Fig. 1, App. A.3).
    static func overlapTable(_ results: [ConfigResult]) -> [OverlapRow] {
        var rows: [OverlapRow] = []
        let names = ["linear", "gaussian", "probeless"]
        for result in results where result.neuronCount >= overlapTop {
            let expected = ExpectedOverlap.expected(rankings: 2, neurons: result.neuronCount, top: overlapTop)
            for (i, a) in names.enumerated() {
                for b in names[(i + 1)...] {
                    guard let x = result.rankings[a], let y = result.rankings[b] else { continue }
                    rows.append(OverlapRow(scope: result.config.name, first: a, second: b,
                                           overlap: RankingOverlap.size([x, y], top: overlapTop), expectedRandom: expected))
                }
            }
        }
        let groups = Dictionary(grouping: results) { "\($0.config.attribute) " + ($0.config.layer.map { "L\($0)" } ?? "all-layers") }
        for (scope, group) in groups.sorted(by: { $0.key < $1.key }) where group.count >= 2 {
            for ranking in names {
                for (i, a) in group.enumerated() {
                    for b in group[(i + 1)...] where a.neuronCount == b.neuronCount && a.neuronCount >= overlapTop {
                        guard let x = a.rankings[ranking], let y = b.rankings[ranking] else { continue }
                        rows.append(OverlapRow(scope: "\(scope) \(ranking)", first: a.config.language, second: b.config.language,
                                               overlap: RankingOverlap.size([x, y], top: overlapTop),
                                               expectedRandom: ExpectedOverlap.expected(rankings: 2, neurons: a.neuronCount, top: overlapTop)))
                    }
                }
            }
        }
        return rows
    }

    // MARK: - Files

    /// Writes grid.json, curves.csv, wilcoxon.csv, clusters.csv, overlaps.csv, durrani.csv and figures/ (the study writes report.md around it).
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: folder.appendingPathComponent("grid.json"), options: .atomic)
        var curves = "model,language,attribute,layer,classifier,ranking,k,accuracy,control_accuracy,selectivity\n"
        for result in results {
            let c = result.config
            for curve in result.curves {
                for (i, k) in curve.neuronCounts.enumerated() {
                    let control = curve.controlAccuracy.map { String($0[i]) } ?? ""
                    let selectivity = curve.selectivity.map { String($0[i]) } ?? ""
                    curves += "\(c.model),\(c.language),\(csv(c.attribute)),\(c.layer.map(String.init) ?? "all"),\(curve.classifier.rawValue),\(curve.ranking),\(k),\(curve.accuracy[i]),\(control),\(selectivity)\n"
                }
            }
        }
        try Data(curves.utf8).write(to: folder.appendingPathComponent("curves.csv"), options: .atomic)
        var wilcoxonCSV = "k,first,second,configs,mean_difference,statistic,p_value,method\n"
        for row in wilcoxon { wilcoxonCSV += "\(row.k),\(row.first),\(row.second),\(row.configs),\(row.meanDifference),\(row.statistic),\(row.pValue),\(row.method)\n" }
        try Data(wilcoxonCSV.utf8).write(to: folder.appendingPathComponent("wilcoxon.csv"), options: .atomic)
        var clusterCSV = "config,cluster,tsne_x,tsne_y\n"
        for row in clusters { clusterCSV += "\(csv(row.config)),\(row.cluster),\(row.x),\(row.y)\n" }
        try Data(clusterCSV.utf8).write(to: folder.appendingPathComponent("clusters.csv"), options: .atomic)
        var overlapCSV = "scope,first,second,overlap_top100,expected_random\n"
        for row in overlaps { overlapCSV += "\(csv(row.scope)),\(row.first),\(row.second),\(row.overlap),\(row.expectedRandom)\n" }
        try Data(overlapCSV.utf8).write(to: folder.appendingPathComponent("overlaps.csv"), options: .atomic)
        var durraniCSV = "config,lambda1,lambda2,score,ablation_all,ablation_top20,ablation_random20,ablation_bottom20,delta,minimal_neurons,minimal_accuracy,oracle,selectivity_all,selectivity_selected\n"
        for result in results {
            guard let d = result.durrani, let best = d.lambdaScores.first else { continue }
            for set in d.minimalSets {
                let fields: [String] = [
                    csv(result.config.name), "\(best.lambda1)", "\(best.lambda2)", "\(best.score)",
                    "\(d.ablation.all)", "\(d.ablation.top)", "\(d.ablation.random)", "\(d.ablation.bottom)",
                    "\(set.delta)", "\(set.neurons.count)", "\(set.accuracy)", "\(set.oracle)",
                    set.selectivityAll.map { "\($0)" } ?? "", set.selectivitySelected.map { "\($0)" } ?? "",
                ]
                durraniCSV += fields.joined(separator: ",") + "\n"
            }
        }
        try Data(durraniCSV.utf8).write(to: folder.appendingPathComponent("durrani.csv"), options: .atomic)
        try writeFigures(to: folder)
    }

    private func csv(_ text: String) -> String { text.contains(",") ? "\"\(text)\"" : text }

    // MARK: - Summary

    /// Markdown tables: per-config accuracies, selectivity, Wilcoxon, clusters, overlaps, Durrani.
    public var summary: String {
        var lines: [String] = []
        func pct(_ value: Double?) -> String { value.map { String(format: "%.1f", $0 * 100) } ?? "—" }
        var combos: [String] = []
        for curve in results.first?.curves ?? [] where !combos.contains(curve.ranking) { combos.append(curve.ranking) }
        if kinds.contains(.accuracyCurves) { lines.append("## Accuracy (%) on the top k neurons, test split\n") }
        for k in Self.testedKs where kinds.contains(.accuracyCurves) {
            guard results.first?.curves.first?.neuronCounts.contains(k) == true else { continue }
            lines.append("k = \(k)\n")
            let comboColumns: [String] = combos.flatMap { ["L:\($0)", "G:\($0)"] }
            var table: [[String]] = [["config", "all (lin/gau)"] + comboColumns]
            for result in results {
                var row: [String] = [result.config.name, pct(result.fullAccuracy["linear"]) + "/" + pct(result.fullAccuracy["gaussian"])]
                for combo in combos {
                    row.append(pct(result.curve(.linear, combo)?.accuracy(at: k)))
                    row.append(pct(result.curve(.gaussian, combo)?.accuracy(at: k)))
                }
                table.append(row)
            }
            lines.append(Self.markdown(table))
        }
        if kinds.contains(.selectivity), results.first?.curves.first?.selectivity != nil,
           let k = Self.testedKs.last(where: { k in results.first?.curves.first?.neuronCounts.contains(k) == true }) {
            lines.append("## Selectivity (task − control accuracy, points) at k = \(k)\n")
            let comboColumns: [String] = combos.flatMap { ["L:\($0)", "G:\($0)"] }
            var table: [[String]] = [["config"] + comboColumns]
            for result in results {
                var row = [result.config.name]
                for combo in combos {
                    for classifier in ProbeKind.allCases {
                        let curve = result.curve(classifier, combo)
                        let index = curve?.neuronCounts.firstIndex(of: k)
                        var cell = "—"
                        if let index, let selectivity = curve?.selectivity { cell = String(format: "%.1f", selectivity[index] * 100) }
                        row.append(cell)
                    }
                }
                table.append(row)
            }
            lines.append(Self.markdown(table))
        }
        if !wilcoxon.isEmpty {
            lines.append("## Wilcoxon signed-rank tests across \(results.count) configs (p < 0.05)\n")
            var table = [["k", "first", "second", "mean diff (pts)", "W", "p", "method"]]
            for row in wilcoxon where row.pValue < 0.05 {
                table.append(["\(row.k)", row.first, row.second, String(format: "%+.1f", row.meanDifference * 100),
                              String(format: "%.0f", row.statistic), String(format: "%.2g", row.pValue), row.method])
            }
            lines.append(Self.markdown(table))
        }
        if !clusters.isEmpty {
            lines.append("## K-means (K = 3) of the accuracy curves, with t-SNE coordinates\n")
            var table = [["config", "cluster", "t-SNE x", "t-SNE y"]]
            for row in clusters.sorted(by: { ($0.cluster, $0.config) < ($1.cluster, $1.config) }) {
                table.append([row.config, "\(row.cluster)", String(format: "%.2f", row.x), String(format: "%.2f", row.y)])
            }
            lines.append(Self.markdown(table))
        }
        if !overlaps.isEmpty {
            var header = "## Top-\(Self.overlapTop) overlaps"
            if let e2 = expectedOverlaps[2], let e3 = expectedOverlaps[3] {
                header += String(format: " (random rankings: E2 = %.2f, E3 = %.2f)", e2, e3)
            }
            lines.append(header + "\n")
            var table = [["scope", "first", "second", "overlap", "random"]]
            for row in overlaps { table.append([row.scope, row.first, row.second, "\(row.overlap)", String(format: "%.2f", row.expectedRandom)]) }
            lines.append(Self.markdown(table))
        }
        let durrani = results.filter { $0.durrani != nil }
        if !durrani.isEmpty && kinds.contains(.durrani) {
            lines.append("## Durrani et al. 2020: best λ, ablation (keep 20%, no retraining) and minimal neuron sets\n")
            var table = [["config", "λ1", "λ2", "all", "top 20%", "random 20%", "bottom 20%", "min set δ=0.5", "min set δ=2", "oracle", "sel. all", "sel. min"]]
            for result in durrani {
                guard let d = result.durrani, let best = d.lambdaScores.first else { continue }
                let sets = Dictionary(uniqueKeysWithValues: d.minimalSets.map { ($0.delta, $0) })
                table.append([result.config.name, "\(best.lambda1)", "\(best.lambda2)", pct(d.ablation.all), pct(d.ablation.top),
                              pct(d.ablation.random), pct(d.ablation.bottom),
                              sets[0.5].map { "\($0.neurons.count) (\(pct($0.accuracy)))" } ?? "—",
                              sets[2].map { "\($0.neurons.count) (\(pct($0.accuracy)))" } ?? "—",
                              pct(sets[0.5]?.oracle), pct(sets[0.5]?.selectivityAll), pct(sets[0.5]?.selectivitySelected)])
            }
            lines.append(Self.markdown(table))
            let layered = durrani.filter { $0.config.layer == nil }
            if !layered.isEmpty {
                lines.append("### Where the minimal set (δ = 0.5) sits, all layers concatenated\n")
                let layers = Array(Set(layered.flatMap { $0.durrani!.layerDistribution.keys })).sorted()
                var table = [["config"] + layers.map { "L\($0)" }]
                for result in layered { table.append([result.config.name] + layers.map { "\(result.durrani!.layerDistribution[$0] ?? 0)" }) }
                lines.append(Self.markdown(table))
            }
            lines.append("### Neurons carrying half of each label's weight mass\n")
            var labels = [["config", "label: neurons"]]
            for result in durrani {
                labels.append([result.config.name, result.durrani!.neuronsPerLabel.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")])
            }
            lines.append(Self.markdown(labels))
        }
        return lines.joined(separator: "\n")
    }

    static func markdown(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var text = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in " --- |" }.joined() + "\n"
        for row in rows.dropFirst() { text += "| " + row.joined(separator: " | ") + " |\n" }
        return text
    }
}
