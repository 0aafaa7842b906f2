import Foundation
import Testing

@testable import Analysis

/// The rankings comparison on a model whose number units are known: the units that encode number
/// most strongly (2 and 5, ±1.2…1.8 against noise of ±0.5) are also the ones its decision uses.
@Suite("rankings against a learned mask")
struct UnitRankingComparisonTests {
    /// Each noun example five times, so the rankings have 40 states to learn from.
    static func task() -> InterventionTask {
        func repeated(_ examples: [InterventionExample]) -> [InterventionExample] { Array(repeating: examples, count: 5).flatMap { $0 } }
        let singular = PlantedUnitsModel.examples(plural: false), plural = PlantedUnitsModel.examples(plural: true)
        return InterventionTask(name: "number", directions: [
            .init(name: "plural", training: repeated(singular), heldOut: singular),
            .init(name: "singular", training: repeated(plural), heldOut: plural),
        ])
    }

    /// The mask that flips singular to plural: units 2 and 5 set to −1.5.
    static func maskRun(model: PlantedUnitsModel, task: InterventionTask) -> SparseInterventionStudy.Run {
        var baseline = [Float](repeating: 0, count: 16)
        for unit in PlantedUnitsModel.planted { baseline[unit] = -1.5 }
        let mask = LearnedIntervention(method: .hardConcrete, site: .residual(0), steps: .single, direction: "plural", units: PlantedUnitsModel.planted,
                                       baseline: baseline, openProbability: baseline.map { $0 == 0 ? 0 : 1 }, history: [], convergedAtStep: nil,
                                       trainingSeconds: 0, settings: [:])
        return .init(seed: 0, intervention: mask, outcome: InterventionOutcome.measure(mask, on: task.directions[0].heldOut, model: model),
                     trainingExamples: task.directions[0].training.count)
    }

    @Test("a ranking's top 2 flip the planted model exactly when they are its two units (translated or set to b; never ablated); Probeless puts them first")
    func plantedUnits() throws {
        let model = PlantedUnitsModel(), task = Self.task()
        let run = Self.maskRun(model: model, task: task)
        #expect(run.outcome.accuracy == 1)
        let comparisons = try UnitRankingComparison.compare(runs: [run], task: task, model: model, site: .residual(0), steps: .single)
        try #require(comparisons.count == 1)
        let comparison = comparisons[0]
        #expect(comparison.direction == "plural" && comparison.units == [2, 5] && comparison.width == 16)
        #expect(comparison.expectedRandomOverlap == 4.0 / 16)
        #expect(comparison.trainExamples + comparison.devExamples == 40 && comparison.heldOutExamples == 4)
        #expect(comparison.rankings.map(\.method) == ["linear", "gaussian", "probeless", "random"])
        for ranked in comparison.rankings {
            // The overlap is the mask units ranked within the top k.
            #expect(ranked.overlap == ranked.unitRanks.filter { $0 <= 2 }.count, "\(ranked)")
            #expect(Set(ranked.unitRanks).count == 2 && ranked.unitRanks.allSatisfy { (1...16).contains($0) })
            // The model needs both planted units changed to flip: the top 2 of a ranking flip every
            // example when they are the planted pair and none otherwise, whatever the ranking.
            let both: Double = ranked.overlap == 2 ? 1 : 0
            #expect(ranked.setToMaskBaseline == both && ranked.translated == both, "\(ranked)")
            #expect(ranked.ablated == 0, "\(ranked.method): zeroing the planted units leaves the 0.5 bias for singular")
        }
        // Probeless orders by the class means' gap: ±1.2…1.8 on the planted units against noise of ±0.5.
        let probeless = try #require(comparison.rankings.first { $0.method == "probeless" })
        #expect(probeless.unitRanks.sorted() == [1, 2] && probeless.overlap == 2)
        // On 4 nouns a class, a noise unit can separate the classes too: the probes may rank one
        // above a planted unit, but each finds at least one of them first.
        for method in ["linear", "gaussian"] {
            let ranked = try #require(comparison.rankings.first { $0.method == method })
            #expect(ranked.unitRanks.min() == 1, "\(method): \(ranked.unitRanks)")
        }
    }

    @Test("the flip accuracy of an ablation through the run loop equals the gated run's with a zero baseline")
    func twoPathsAgree() {
        let model = PlantedUnitsModel(), examples = PlantedUnitsModel.examples(plural: false)
        var baseline = [Float](repeating: 0, count: 16)
        baseline[2] = -3
        for units in [[2], [2, 5], [0, 1, 3]] {
            let ranking = units + (0..<16).filter { !units.contains($0) }
            for edit in [NeuronEdit.ablate] {
                let viaRunLoop = UnitRankingComparison.flipAccuracy(examples, site: .residual(0), steps: .single, model: model) { batch, chunk in
                    edit.siteEdit(ranking: ranking, k: units.count, rows: chunk.indices.map { (row: batch.starts[$0] + chunk[$0].subjectRow, label: 0) },
                                  directions: [])
                }
                let mask = LearnedIntervention(method: .integratedGradients, site: .residual(0), steps: .single, direction: "plural", units: units.sorted(),
                                               baseline: [Float](repeating: 0, count: 16), openProbability: [], history: [], convergedAtStep: nil,
                                               trainingSeconds: 0, settings: [:])
                #expect(viaRunLoop == InterventionOutcome.measure(mask, on: examples, model: model).accuracy, "\(units)")
            }
            // Setting unit 2 to −3 through the run loop flips what the gated run says it flips.
            let viaRunLoop = UnitRankingComparison.flipAccuracy(examples, site: .residual(0), steps: .single, model: model) { batch, chunk in
                let rows = chunk.indices.map { batch.starts[$0] + chunk[$0].subjectRow }
                return { state, _ in for row in rows { state.scalars[row * 16 + 2] = -3 } }
            }
            let mask = LearnedIntervention(method: .integratedGradients, site: .residual(0), steps: .single, direction: "plural", units: [2],
                                           baseline: baseline, openProbability: [], history: [], convergedAtStep: nil, trainingSeconds: 0, settings: [:])
            #expect(viaRunLoop == InterventionOutcome.measure(mask, on: examples, model: model).accuracy)
        }
    }

    @Test("an MLP site or a one-direction task is refused with the reason")
    func refusals() {
        let model = PlantedUnitsModel(), task = Self.task()
        #expect(throws: UnitRankingComparison.ComparisonError.site(.mlp(1))) {
            try UnitRankingComparison.compare(runs: [], task: task, model: model, site: .mlp(1), steps: .single)
        }
        var one = task
        one.directions.removeLast()
        #expect(throws: UnitRankingComparison.ComparisonError.directions(["plural"])) {
            try UnitRankingComparison.compare(runs: [], task: one, model: model, site: .residual(0), steps: .single)
        }
    }
}
