import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Probing
import Corpora
@testable import Analysis
@testable import Studies

/// Synthetic probing data: 3 classes, neurons 0 and 1 informative, the rest noise.
func syntheticProbingData(examples: Int = 600, neurons: Int = 12, seed: UInt64 = 5) -> ProbingData {
    var random = SplitMix64(seed: seed)
    func split(_ n: Int) -> LabeledFeatures {
        var scalars: [Float] = [], labels: [Int] = []
        for i in 0..<n {
            let label = i % 3
            labels.append(label)
            for j in 0..<neurons {
                let noise = Float(random.nextUnitDouble() - 0.5) * 2
                let signal: Float = j == 0 ? Float(label) * 2 : (j == 1 ? (label == 2 ? 3 : 0) : 0)
                scalars.append(signal + noise)
            }
        }
        return LabeledFeatures(features: Tensor(shape: [n, neurons], scalars: scalars), labels: labels)
    }
    return ProbingData(train: split(examples), dev: split(examples / 4), test: split(examples / 4),
                       labelNames: ["a", "b", "c"], layers: [0, 1], layerWidth: neurons / 2)
}

@Suite("Probing evaluation")
struct ProbingEvaluationTests {
    @Test("top-to-bottom beats bottom-to-top, and the control task is harder")
    func curves() {
        let data = syntheticProbingData()
        var random = SplitMix64(seed: 9)
        let controlLabels = { (n: Int) in (0..<n).map { _ in Int(random.next() % 3) } }
        let control = data.relabeled(train: controlLabels(data.train.count), dev: controlLabels(data.dev.count),
                                     test: controlLabels(data.test.count), labelNames: ["x", "y", "z"])
        let evaluator = ProbingEvaluator(data: data, control: control, neuronCounts: [1, 2, 4])
        let ranking = ProbelessRanking.rank(features: data.train.features, labels: data.train.labels, classCount: 3)
        #expect(Set(ranking.top(2)) == [0, 1])
        for classifier in ProbeKind.allCases {
            let top = evaluator.curve(ranking, classifier: classifier)
            let bottom = evaluator.curve(ranking.bottomToTop, classifier: classifier)
            #expect(top.accuracy[1] > 0.85, "\(classifier) \(top.accuracy)")
            #expect(bottom.accuracy[1] < 0.5, "\(classifier) \(bottom.accuracy)")
            #expect((top.selectivity?[1] ?? 0) > 0.4)
            #expect(top.combination == "\(classifier.rawValue)/probeless")
        }
    }

    @Test("the shared schedule gives the reference schedule's curves, and hands each curve over once as it finishes")
    func schedules() {
        let data = syntheticProbingData(examples: 900, neurons: 16)
        var random = SplitMix64(seed: 4)
        let controlLabels = { (n: Int) in (0..<n).map { _ in Int(random.next() % 3) } }
        let control = data.relabeled(train: controlLabels(data.train.count), dev: controlLabels(data.dev.count),
                                     test: controlLabels(data.test.count), labelNames: ["x", "y", "z"])
        var evaluator = ProbingEvaluator(data: data, control: control, neuronCounts: [1, 2, 3, 5, 8, 16])
        let probeless = ProbelessRanking.rank(features: data.train.features, labels: data.train.labels, classCount: 3)
        let rankings = [probeless, probeless.bottomToTop, RandomRanking.rank(neuronCount: 16, seed: 3)]
        evaluator.schedule = .reference
        let reference = evaluator.curves(rankings, classifiers: ProbeKind.allCases)
        evaluator.schedule = .shared
        let handed = LockedList()
        let shared = evaluator.curves(rankings, classifiers: ProbeKind.allCases, finished: { handed.append($0.combination) })
        #expect(reference.map(\.combination) == rankings.flatMap { r in ProbeKind.allCases.map { "\($0.rawValue)/\(r.name)" } })
        #expect(shared.map(\.combination) == reference.map(\.combination))
        #expect(handed.items.sorted() == reference.map(\.combination).sorted())
        for (a, b) in zip(shared, reference) {
            #expect(a.accuracy == b.accuracy, "\(a.combination)")
            #expect(a.controlAccuracy == b.controlAccuracy, "\(a.combination)")
        }
        // A control task on other rows (not a relabelling) is gathered on its own.
        let other = syntheticProbingData(examples: 900, neurons: 16, seed: 8)
        evaluator = ProbingEvaluator(data: data, control: other, neuronCounts: [2, 4])
        let alone = evaluator.curve(probeless, classifier: .linear)
        evaluator.schedule = .reference
        #expect(alone == evaluator.curve(probeless, classifier: .linear))
    }

    @Test("Durrani's analyses: the same on both schedules")
    func durraniSchedules() throws {
        let data = syntheticProbingData()
        var settings = DurraniAnalysis.Settings()
        settings.lambdaGrid = [0, 1e-3]
        settings.growthFraction = 1.0 / 12
        settings.deltas = [0.5, 2, 30]
        var analysis = DurraniAnalysis(settings: settings)
        analysis.schedule = .reference
        let reference = analysis.summarize(data, control: data)
        analysis.schedule = .shared
        let shared = analysis.summarize(data, control: data)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(reference) == encoder.encode(shared))
        #expect(shared.minimalSets.count == 3)
    }

    @Test("a study's greedy Gaussian ranking reaches its largest k (150 at least)")
    func gaussianRankingLength() {
        var study = StudyDescription(name: "gaussian-length")
        study.neuronCounts = [1, 10, 50]
        #expect(StudyRunner().probingSettings(study).gaussianNeurons == 150)
        study.neuronCounts = [1, 100, 300]
        #expect(StudyRunner().probingSettings(study).gaussianNeurons == 300)
    }

    @Test("Durrani: λ grid, ablation keeps accuracy with the top neurons, minimal set finds them")
    func durrani() {
        let data = syntheticProbingData()
        var settings = DurraniAnalysis.Settings()
        settings.lambdaGrid = [0, 1e-3, 1e-1]
        settings.keptFraction = 1.0 / 6   // 2 of 12 neurons
        settings.growthFraction = 1.0 / 12
        settings.probe = .pitfalls
        let summary = DurraniAnalysis(settings: settings).summarize(data, control: nil)
        #expect(summary.lambdaScores.count == 9)
        #expect(summary.ablation.keptNeurons == 2)
        #expect(summary.ablation.top > summary.ablation.bottom + 0.3, "\(summary.ablation)")
        let loose = summary.minimalSets.first { $0.delta == 2 }!
        #expect(loose.neurons.count <= 3, "\(loose.neurons)")
        #expect(Set(loose.neurons).isSuperset(of: [0, 1]) || loose.neurons.count < 2)
        #expect(summary.layerDistribution.values.reduce(0, +) == summary.minimalSets[0].neurons.count)
        #expect(Set(summary.neuronsPerLabel.keys) == ["a", "b", "c"])
    }

    @Test("the grid report tests, clusters and tabulates across configs")
    func report() throws {
        func result(_ language: String, shift: Double) -> ConfigResult {
            let ks = [10, 50, 150]
            let curves = ProbeKind.allCases.flatMap { classifier in
                ["linear", "gaussian", "probeless", "random", "linear↑", "gaussian↑", "probeless↑"].enumerated().map { index, ranking in
                    AccuracyCurve(classifier: classifier, ranking: ranking, neuronCounts: ks,
                                  accuracy: ks.map { 0.5 + shift + Double(7 - index) * 0.03 + Double($0) / 1000 },
                                  controlAccuracy: ks.map { _ in 0.4 })
                }
            }
            var settings = ConfigProbing.Settings(model: "m")
            settings.durrani = nil
            return ConfigResult(
                config: ProbingConfig(model: "m", language: language, attribute: "Number", layer: 1), labels: ["PL", "SG"],
                examples: SplitCounts(train: 10, dev: 2, test: 2), neuronCount: 200,
                rankings: ["linear": Array(0..<200), "gaussian": Array((0..<200).reversed()), "probeless": Array(0..<200)],
                gaussianMutualInformation: [], curves: curves, durrani: nil, fullAccuracy: ["linear": 0.9, "gaussian": 0.8],
                provenance: ResultProvenance(tool: "t", created: "", seconds: 0, modelPath: "", modelHash: "", activationCache: "",
                                             treebanks: [], files: [], split: "", controlTask: "", settings: settings))
        }
        let results = ["English", "Spanish", "French", "Russian", "Turkish", "Finnish"].enumerated().map { result($1, shift: Double($0) * 0.01) }
        let report = GridReport(results: results)
        let linearVsRandom = report.wilcoxon.first { $0.k == 10 && $0.first == "linear/linear" && $0.second == "linear/random" }
        #expect(linearVsRandom?.pValue ?? 1 < 0.05)
        #expect(report.clusters.count == 6)
        #expect(report.overlaps.contains { $0.first == "linear" && $0.second == "probeless" && $0.overlap == 100 })
        #expect(abs((report.expectedOverlaps[2] ?? 0) - 50) < 1e-9)
        #expect(report.summary.contains("## Wilcoxon signed-rank tests"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try report.write(to: folder)
        let curves = try String(contentsOf: folder.appendingPathComponent("curves.csv"), encoding: .utf8)
        #expect(curves.split(separator: "\n").count == 1 + 6 * 14 * 3)
        let figure = folder.appendingPathComponent("figures/accuracy-m-English-Number-L1.svg")
        #expect(FileManager.default.fileExists(atPath: figure.path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("figures/clusters.svg").path))
        if let keep = ProcessInfo.processInfo.environment["KEEP_FIGURES"] {
            try? FileManager.default.copyItem(at: folder.appendingPathComponent("figures"), to: URL(fileURLWithPath: keep))
        }
    }
}

/// Strings appended from several threads.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ item: String) { lock.lock(); list.append(item); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
