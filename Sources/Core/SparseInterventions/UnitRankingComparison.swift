import Foundation
import Kernels
import Models
import Support
import Probing

/// Beyond De Cao et al.: do the rankings of Antverg & Belinkov and Durrani et al. — built from
/// what the activations *encode* — find the units a learned mask shows the model *uses*?
///
/// For one residual site, the task's training examples give the state at the subject's last token
/// (where a single-step edit acts and the subject's number or gender is read) labelled by the
/// direction the example is to be flipped to; 10% of them (seeded) are the dev split
/// the greedy Gaussian ranking scores on. Linear (mean |w| of an elastic-net probe), Gaussian
/// (greedy MI, completed by Probeless), Probeless and Random rank the site's units. For each
/// direction's learned mask of k units, each ranking gets: the rank of every mask unit, the overlap
/// of its top k with the mask's units against the k²/D a random ranking has on average, and the
/// held-out flip accuracy when its top k units are ablated, translated (Antverg's log-scaled
/// translation towards the other class mean, β = 8), or set to the mask's own baseline b — beside
/// the mask's own accuracy.
public struct UnitRankingComparison: Sendable, Codable, Hashable {
    public struct Ranked: Sendable, Codable, Hashable {
        /// `linear`, `gaussian`, `probeless`, `random`.
        public var method: String
        /// 1-based rank of each of the mask's units (in the mask's unit order).
        public var unitRanks: [Int]
        /// |top k ∩ mask units|, k = the mask's unit count.
        public var overlap: Int
        /// Held-out flip accuracy with the ranking's top k units edited.
        public var ablated: Double, translated: Double, setToMaskBaseline: Double
    }

    /// The mask's direction (`plural`, `she`) and its units.
    public var direction: String
    public var units: [Int]
    /// Units of the site.
    public var width: Int
    /// The mask's own held-out flip accuracy.
    public var maskAccuracy: Double
    /// |top k ∩ mask units| a random ranking has on average: k²/D.
    public var expectedRandomOverlap: Double
    public var rankings: [Ranked]
    /// Examples the rankings were built from (train, dev) and the held-out examples measured.
    public var trainExamples: Int, devExamples: Int, heldOutExamples: Int
    public var translationBeta: Double

    /// Compares every Hard Concrete run's units (the first seed of each direction) with the rankings.
    ///
    /// - Parameters:
    ///   - runs: the study's runs; Hard Concrete ones with at least one unit are compared
    ///   - progress: called with a line before each direction's measurements
    public static func compare(runs: [SparseInterventionStudy.Run], task: InterventionTask, model: any DifferentiableLanguageModel,
                               site: ModelSite, steps: InterventionSteps, seed: UInt64 = 0, translationBeta: Double = 8,
                               progress: (String) -> Void = { _ in }) throws -> [UnitRankingComparison] {
        guard case .residual(let layer) = site else { throw ComparisonError.site(site) }
        guard task.directions.count == 2 else { throw ComparisonError.directions(task.directions.map(\.name)) }
        progress("rankings: states at \(site) of \(task.directions.map(\.training.count).reduce(0, +)) training examples")
        // States at the edit row, labelled by the direction the example is to be flipped to.
        let width = model.hiddenSize
        var scalars: [Float] = [], labels: [Int] = []
        for (label, direction) in task.directions.enumerated() {
            let subjectStates = states(of: direction.training, at: layer, model: model)
            scalars += subjectStates.scalars
            labels += Array(repeating: label, count: subjectStates.rows)
        }
        let rows = Tensor(shape: [labels.count, width], scalars: scalars)
        var generator = SplitMix64(seed: seed)
        let order = labels.indices.shuffled(using: &generator)
        let devCount = max(2, labels.count / 10)
        let dev = Array(order.prefix(devCount)), train = Array(order.dropFirst(devCount))
        let trainFeatures = rows.selectingRows(train), trainLabels = train.map { labels[$0] }
        let devFeatures = rows.selectingRows(dev), devLabels = dev.map { labels[$0] }
        guard Set(trainLabels).count == 2 else { throw ComparisonError.directions(task.directions.map(\.name)) }

        let compared = runs.filter { $0.intervention.method == .hardConcrete && !$0.intervention.units.isEmpty }
        let deepest = max(1, compared.map(\.intervention.units.count).max() ?? 1)
        let built = NeuronRankings([.linear, .gaussian, .probeless, .random],
                                   train: LabeledFeatures(features: trainFeatures, labels: trainLabels),
                                   selection: LabeledFeatures(features: devFeatures, labels: devLabels), classCount: 2,
                                   gaussianNeurons: max(50, deepest), randomSeed: seed,
                                   linearProbe: { LinearProbe.train(features: trainFeatures, labels: trainLabels, classCount: 2) })
        let rankings = built.rankings.map { ($0.method.rawValue, $0.order) }
        let means = ProbelessRanking.classMeans(features: trainFeatures, labels: trainLabels, classCount: 2).map { $0.map(Float.init) }
        let towards = InterventionSweep.directions(means: means)

        var comparisons: [UnitRankingComparison] = []
        var seen = Set<String>()
        for run in compared.sorted(by: { $0.seed < $1.seed }) where seen.insert(run.intervention.direction).inserted {
            guard let label = task.directions.firstIndex(where: { $0.name == run.intervention.direction }) else { continue }
            let heldOut = task.directions[label].heldOut
            let units = run.intervention.units, k = units.count
            progress("rankings: → \(run.intervention.direction), top \(k) of each ranking edited on \(heldOut.count) held-out examples")
            var ranked: [Ranked] = []
            for (method, order) in rankings {
                var rankOf = [Int](repeating: 0, count: width)
                for (rank, unit) in order.enumerated() { rankOf[unit] = rank + 1 }
                let top = Array(order.prefix(k))
                func flips(_ edit: NeuronEdit) -> Double {
                    flipAccuracy(heldOut, site: site, steps: steps, model: model) { batch, examples in
                        let editRows = examples.indices.flatMap { s in examples[s].editRows(steps).map { (row: batch.starts[s] + $0, label: label) } }
                        return edit.siteEdit(ranking: order, k: k, rows: editRows, directions: towards)
                    }
                }
                var asMask = run.intervention
                asMask.units = top.sorted()
                let toBaseline = InterventionOutcome.measure(asMask, on: heldOut, model: model).accuracy
                ranked.append(Ranked(method: method, unitRanks: units.map { rankOf[$0] }, overlap: Set(top).intersection(units).count,
                                     ablated: flips(.ablate), translated: flips(.translate(beta: translationBeta)),
                                     setToMaskBaseline: toBaseline))
            }
            comparisons.append(UnitRankingComparison(direction: run.intervention.direction, units: units, width: width,
                                                     maskAccuracy: run.outcome.accuracy, expectedRandomOverlap: Double(k * k) / Double(width),
                                                     rankings: ranked, trainExamples: train.count, devExamples: dev.count,
                                                     heldOutExamples: heldOut.count, translationBeta: translationBeta))
        }
        return comparisons
    }

    /// The state after block `layer` at each example's subject (its last token). - Returns: [examples, hidden]
    static func states(of examples: [InterventionExample], at layer: Int, model: any LanguageModel, batchSize: Int = 64) -> Tensor {
        var scalars: [Float] = []
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            let chunk = Array(examples[start..<min(examples.count, start + batchSize)])
            let batch = PackedBatch(sequences: chunk.map { Array($0.ids.prefix($0.subjectRow + 1)) })
            let state = model.run(batch, upTo: layer)
            scalars += state.selectingRows(chunk.indices.map { batch.starts[$0] + chunk[$0].subjectRow }).scalars
        }
        return Tensor(shape: [examples.count, model.hiddenSize], scalars: scalars)
    }

    /// Share of examples whose log p(d) − log p(t) at the target row is below 0 with the edit made
    /// by `edit` at `site`.
    static func flipAccuracy(_ examples: [InterventionExample], site: ModelSite, steps: InterventionSteps, model: any LanguageModel,
                             batchSize: Int = 32, edit: (PackedBatch, [InterventionExample]) -> SiteEdit) -> Double {
        var flipped = 0
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            let chunk = Array(examples[start..<min(examples.count, start + batchSize)])
            let batch = PackedBatch(sequences: chunk.map(\.ids))
            let vocabulary = Array(Set(chunk.flatMap { [$0.preferred, $0.alternative] })).sorted()
            let last = model.run(batch, edits: [site: edit(batch, chunk)])
            guard let logits = model.logits(last, rows: chunk.indices.map { batch.starts[$0] + chunk[$0].targetRow }, vocabulary: vocabulary) else { continue }
            for (s, example) in chunk.enumerated() {
                let d = vocabulary.firstIndex(of: example.preferred)!, t = vocabulary.firstIndex(of: example.alternative)!
                if logits.scalars[s * vocabulary.count + d] < logits.scalars[s * vocabulary.count + t] { flipped += 1 }
            }
        }
        return Double(flipped) / Double(max(1, examples.count))
    }

    public enum ComparisonError: Error, CustomStringConvertible, Equatable {
        case site(ModelSite)
        case directions([String])

        public var description: String {
            switch self {
            case .site(let site):
                return "the rankings comparison reads residual-stream states (residual:L), not \(site)"
            case .directions(let names):
                return "the rankings comparison needs a task of two directions with examples of each, not \(names.joined(separator: ", "))"
            }
        }
    }

    /// Rows for a table: one per ranking, with the mask's own accuracy first.
    public static func tableRows(_ comparisons: [UnitRankingComparison]) -> [[String]] {
        var rows = [["direction", "ranking", "ranks of the mask's units", "top-k overlap", "ablate", "translate", "set to b"]]
        for comparison in comparisons {
            rows.append(["→ \(comparison.direction)", "learned mask (k = \(comparison.units.count))", comparison.units.map(String.init).joined(separator: " "),
                         "—", "", "", String(format: "%.1f%%", 100 * comparison.maskAccuracy)])
            for ranked in comparison.rankings {
                rows.append(["", ranked.method, ranked.unitRanks.map(String.init).joined(separator: " "),
                             String(format: "%d (random %.2f)", ranked.overlap, comparison.expectedRandomOverlap),
                             String(format: "%.1f%%", 100 * ranked.ablated), String(format: "%.1f%%", 100 * ranked.translated),
                             String(format: "%.1f%%", 100 * ranked.setToMaskBaseline)])
            }
        }
        return rows
    }

    /// A markdown section for report.md.
    public static func markdown(_ comparisons: [UnitRankingComparison]) -> String {
        guard let first = comparisons.first else { return "" }
        var text = "## Do the rankings find the units the model uses?\n\n"
        text += "Linear, Gaussian, Probeless and Random rankings of the site's \(first.width) units, built from the states at the subject "
            + "of \(first.trainExamples) training examples (dev \(first.devExamples)) labelled by direction. For each direction's learned mask "
            + "of k units: where its units fall in each ranking (1 = top), how many of the ranking's top k are mask units (a random ranking: "
            + "k²/D on average), and the held-out flip accuracy (\(first.heldOutExamples) examples) when the ranking's top k units are ablated, "
            + "translated towards the other class mean (log-scaled α, β = \(first.translationBeta.compactText)) or set to the mask's baseline b — "
            + "beside the mask's own accuracy (last column of its row).\n\n"
        text += SparseInterventionReport.markdownTable(tableRows(comparisons)) + "\n"
        return text
    }
}
