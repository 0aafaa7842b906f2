import Core
import Foundation

/// `workbench bench intervene`: one config's full k sweep (k = 0…D step 10; Probeless top-to-bottom,
/// bottom-to-top and Random; test split) with layers 1…l run once per batch, against re-running
/// the whole model for every k — both measured in the same run on the same sentences.
struct InterventionBenchmark {
    var model: String
    var language: String
    var attribute: String
    var layer: Int
    var maxSentences: Int?
    var edit: NeuronEdit
    /// Alternating rounds; each side reports its best.
    var repeats: Int = 2

    func run() throws {
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels")
        var settings = InterventionStudy.Settings(model: model, languages: [language], attributes: [attribute], layers: [layer])
        settings.maxSentences = maxSentences
        settings.methods = [.probeless]
        let study = InterventionStudy(settings: settings)
        let shared = SharedData()
        let registry = try CorpusRegistry.scan(shared.udRoot())
        let mapping = try UniMorphMapping.load(from: shared)
        let modelURL = ModelCatalog.resolve(model)
        let source = try ModelSource(url: modelURL)
        guard source.objective == .maskedToken else { throw InterventionError.causalModel(source.name) }
        let (model, tokenizer) = try source.load()
        let corpus = try LanguageCorpus.load(language: language, from: registry)
        let store = try ActivationCache().activations(for: ExtractionRequest(modelFolder: modelURL, corpusFiles: corpus.fileURLs, layers: [layer]),
                                                      log: { print($0) })
        let (head, _) = try study.predictionHead(model: model, tokenizer: tokenizer, corpus: corpus, modelURL: modelURL, store: store, log: { print($0) })
        let parsed = try UniMorphAttribute.parse(attribute, among: UniMorphAttribute.studied)
        let dataset = corpus.dataset(for: parsed, mapping: mapping)
        let data = try ProbingData.load(store: store, dataset: dataset, layers: [layer])
        let rankings = study.rankings(data)   // probeless, probeless↑, random
        let means = ProbelessRanking.classMeans(features: data.train.features, labels: data.train.labels, classCount: data.classCount).map { $0.map(Float.init) }
        let test = study.interventionSentences(corpus: corpus, dataset: dataset, split: .test, tokenizer: tokenizer,
                                               maxLength: model.maxSequenceLength, excluding: nil)
        let ticks = InterventionSweep.Settings.ticks(neuronCount: model.hiddenSize, step: 10)
        let tokens = test.sentences.reduce(0) { $0 + $1.tokens.ids.count }
        print("config     \(modelURL.lastPathComponent) \(corpus.language) \(parsed) layer \(layer), \(edit.name); "
              + "\(test.sentences.count) test sentences (\(tokens) tokens, \(test.gold.count) words); \(rankings.map(\.name).joined(separator: ", ")); "
              + "k = 0…\(model.hiddenSize) step 10 (\(ticks.count) ticks); \(head.label)")
        // Alternating runs, best of `repeats` each: a neighbour's burst of work on a shared machine
        // then hits both sides alike.
        var timings = [Double.infinity, Double.infinity]
        var outputs: [[[[[Int]]]]] = [[], []]
        for round in 0..<repeats {
            for (side, reuse) in [true, false].enumerated() {
                var sweepSettings = InterventionSweep.Settings(layer: layer, edit: edit, neuronCounts: ticks)
                sweepSettings.reuseLowerLayers = reuse
                let sweep = InterventionSweep(model: model, head: head, settings: sweepSettings)
                let start = Date()
                let predictions = try sweep.run(test.sentences, rankings: rankings.map(\.order), directions: InterventionSweep.directions(means: means))
                let seconds = Date().timeIntervalSince(start)
                print(String(format: "round %d    %@: %.1f s", round + 1, reuse ? "split" : "whole model every k", seconds))
                timings[side] = min(timings[side], seconds)
                outputs[side] = predictions.predicted
            }
        }
        let runs = Double(test.sentences.count * rankings.count * ticks.count)
        var rows: [[String]] = [["sweep", "seconds", "sentences/s", "speed-up"]]
        rows.append(["split at layer \(layer): layers 1…\(layer) once per batch (best of \(repeats))", String(format: "%.1f", timings[0]),
                     String(format: "%.0f", runs / timings[0]), String(format: "%.2f×", timings[1] / timings[0])])
        rows.append(["whole model again for every k (anchor, best of \(repeats))", String(format: "%.1f", timings[1]), String(format: "%.0f", runs / timings[1]), "1.00×"])
        print("")
        print(TextTable.render(rows))
        print("sentences/s counts one sentence through one (ranking, k) pair; same predictions: \(outputs[0] == outputs[1] ? "yes" : "NO")")
    }
}
