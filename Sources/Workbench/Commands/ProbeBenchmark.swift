import Core
import Foundation

/// `workbench bench probe`: probe training and the Gaussian ranking, ours against their anchors in
/// the same run — PyTorch for the elastic-net probe, the naive per-candidate refit for the ranking.
struct ProbeBenchmark {
    var layer: Int
    var maxK: Int
    var naiveK: Int
    var python: String?
    var synthetic: Bool

    func run() throws {
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels")
        let shared = SharedData()
        let registry = try CorpusRegistry.scan(shared.udRoot())
        let corpus = try LanguageCorpus.load(language: "English", from: registry, treebanks: ["EWT"])
        let mapping = try UniMorphMapping.load(from: shared)
        let dataset = corpus.dataset(for: .number, mapping: mapping)
        let store = try ActivationCache().activations(for: ExtractionRequest(modelFolder: ModelCatalog.defaultModel,
                                                                             corpusFiles: corpus.fileURLs, layers: [layer]), log: { print($0) })
        let data = try ProbingData.load(store: store, dataset: dataset, layers: [layer])
        print("data       MiniLM layer \(layer), UD English EWT (\(corpus.recipe.description)), Number \(data.labelNames): "
              + "\(data.train.count) train / \(data.dev.count) dev words, D = \(data.neuronCount)")
        var rows: [[String]] = [["work", "ours", "anchor", "anchor is", "speed-up"]]

        // One linear probe on all neurons, and a fresh one for every k.
        var start = Date()
        let probe = LinearProbe.train(features: data.train.features, labels: data.train.labels, classCount: data.classCount)
        let oneProbe = Date().timeIntervalSince(start)
        let devAccuracy = probe.accuracy(data.dev.features, labels: data.dev.labels)
        let ranking = LinearRanking.meanAbsoluteWeight(probe)
        start = Date()
        let evaluator = ProbingEvaluator(data: data, neuronCounts: Array(1...maxK))
        BLAS.singleThreaded { _ = evaluator.curve(ranking, classifier: .linear) }
        let everyK = Date().timeIntervalSince(start)
        print(String(format: "ours       one probe, 10 epochs: %.2f s (dev accuracy %.3f); a probe for every k = 1…%d: %.1f s", oneProbe, devAccuracy, maxK, everyK))

        var anchor: (one: Double, everyK: Double, accuracy: Double)?
        if let python { anchor = try runAnchor(python: python, data: data, order: ranking.order) }
        rows.append(["linear probe, 10 epochs", seconds(oneProbe), anchor.map { seconds($0.one) } ?? "—", "PyTorch", anchor.map { ratio($0.one / oneProbe) } ?? "—"])
        rows.append(["probe for every k ≤ \(maxK)", seconds(everyK), anchor.map { seconds($0.everyK) } ?? "—", "PyTorch", anchor.map { ratio($0.everyK / everyK) } ?? "—"])

        // Gaussian greedy ranking on the real data (dev MI): incremental vs the naive refit at equal k.
        let gaussian = GaussianProbe.fit(features: data.train.features, labels: data.train.labels, classCount: data.classCount)
        start = Date()
        let full = GaussianRanking.rank(probe: gaussian, features: data.dev.features, labels: data.dev.labels, maxNeurons: 150)
        let incremental = Date().timeIntervalSince(start)
        start = Date()
        let small = GaussianRanking.rank(probe: gaussian, features: data.dev.features, labels: data.dev.labels, maxNeurons: naiveK)
        let incrementalSmall = Date().timeIntervalSince(start)
        start = Date()
        let naive = GaussianRanking.naive(probe: gaussian, features: data.dev.features, labels: data.dev.labels, maxNeurons: naiveK)
        let naiveSeconds = Date().timeIntervalSince(start)
        print(String(format: "ours       Gaussian ranking to k = 150: %.2f s (MI %.3f bits); to k = %d: %.2f s; naive refit to k = %d: %.1f s; same order: %@",
                     incremental, full.mutualInformation.last ?? 0, naiveK, incrementalSmall, naiveK, naiveSeconds,
                     naive.order == small.order ? "yes" : "no"))
        rows.append(["Gaussian ranking, k ≤ \(naiveK)", seconds(incrementalSmall), seconds(naiveSeconds), "naive refit", ratio(naiveSeconds / incrementalSmall)])
        rows.append(["Gaussian ranking, k ≤ 150", seconds(incremental), "391 s", "Pitfalls code (anchors.md)", ratio(391 / incremental)])

        if synthetic {
            for neurons in [384, 768] {
                let report = GaussianRankingBenchmark.run(neurons: neurons, trainExamples: 20_000, devExamples: 4_000, classes: 2, k: 150, naiveK: naiveK, seed: 1)
                rows.append(["Gaussian ranking, synthetic D=\(neurons), N=20k, k ≤ 150", seconds(report.incrementalSeconds),
                             seconds(report.naiveSecondsExtrapolated) + " (extrap.)", "naive refit", ratio(report.speedupExtrapolated)])
            }
        }
        print("")
        print(TextTable.render(rows))
    }

    func seconds(_ value: Double) -> String { value >= 10 ? String(format: "%.0f s", value) : String(format: "%.2f s", value) }
    func ratio(_ value: Double) -> String { String(format: "%.1f×", value) }

    func runAnchor(python: String, data: ProbingData, order: [Int]) throws -> (one: Double, everyK: Double, accuracy: Double)? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try NumpyArrayFile.write(data.train.features, to: folder.appendingPathComponent("train_x.npy"))
        try NumpyArrayFile.write(data.dev.features, to: folder.appendingPathComponent("dev_x.npy"))
        try NumpyArrayFile.write(Tensor(shape: [data.train.count], scalars: data.train.labels.map(Float.init)), to: folder.appendingPathComponent("train_y.npy"))
        try NumpyArrayFile.write(Tensor(shape: [data.dev.count], scalars: data.dev.labels.map(Float.init)), to: folder.appendingPathComponent("dev_y.npy"))
        try JSONSerialization.data(withJSONObject: order).write(to: folder.appendingPathComponent("order.json"))
        print("PyTorch    training the same probes …")
        guard let object = try PythonAnchor.run(python: python, script: "scripts/bench_probe_pytorch.py",
                                                arguments: ["--dir", folder.path, "--max-k", String(maxK)]),
              let one = object["one_probe_seconds"] as? Double, let every = object["every_k_seconds"] as? Double,
              let accuracy = object["dev_accuracy"] as? Double else { return nil }
        print(String(format: "PyTorch    one probe: %.2f s (dev accuracy %.3f); a probe for every k = 1…%d: %.1f s", one, accuracy, maxK, every))
        return (one, every, accuracy)
    }
}
