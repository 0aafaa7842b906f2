import Foundation
import Testing

@testable import Support
@testable import Models
@testable import Analysis

@Suite("Sparse interventions (De Cao et al. 2022)")
struct SparseInterventionTests {
    @Test("Hard Concrete: P(z ≠ 0), P(z = 1) and dz/dγ agree with Monte Carlo and finite differences", arguments: [HardConcrete.deCao, .louizos])
    func hardConcrete(gate: HardConcrete) {
        var random = SplitMix64(seed: 3)
        for location in [-3.0, -1.0, 0.0, 0.7, 3.0] {
            let samples = 200_000
            var nonZero = 0, one = 0
            for _ in 0..<samples {
                let z = gate.sample(location: location, uniform: random.nextUnitDouble()).gate
                #expect(z >= 0 && z <= 1)
                if z != 0 { nonZero += 1 }
                if z == 1 { one += 1 }
            }
            // Binomial standard error at n = 200,000 is at most 0.0011: 5 of them.
            #expect(abs(Double(nonZero) / Double(samples) - gate.probabilityNonZero(location: location).value) < 0.0056, "γ = \(location)")
            #expect(abs(Double(one) / Double(samples) - gate.probabilityOne(location: location).value) < 0.0056, "γ = \(location)")
            if gate.upper == 1 { #expect(one == 0, "support [0, 1) has no mass at 1") }
            let h = 1e-5
            let p = gate.probabilityNonZero(location: location)
            let numeric = (gate.probabilityNonZero(location: location + h).value - gate.probabilityNonZero(location: location - h).value) / (2 * h)
            #expect(abs(numeric - p.derivative) < 1e-6)
            for u in [0.1, 0.35, 0.5, 0.8] {
                let (z, dz) = gate.sample(location: location, uniform: u)
                guard z > 0.01 && z < 0.99 else { continue }
                let numericSample = (gate.sample(location: location + h, uniform: u).gate - gate.sample(location: location - h, uniform: u).gate) / (2 * h)
                #expect(abs(numericSample - dz) < 1e-4 * max(1, abs(dz)), "γ = \(location), u = \(u)")
            }
        }
    }

    @Test("the Lagrange multiplier rises while its constraint is violated, falls to 0 once it holds, and stays in [0, max]")
    func multiplierSign() {
        var lambda = LagrangeMultiplier(value: 1, learningRate: 0.3, maximum: 5)
        lambda.ascend(violation: 0.4)
        #expect(lambda.value > 1)
        for _ in 0..<100 { lambda.ascend(violation: 0.4) }
        #expect(lambda.value == 5)
        lambda.ascend(violation: -0.2)
        #expect(lambda.value < 5)
        for _ in 0..<200 { lambda.ascend(violation: -0.2) }
        #expect(lambda.value == 0)
    }

    @Test("REINFORCE's estimator: for a loss linear in the gates its mean is c ⊙ σ(θ)(1 − σ(θ))")
    func reinforceEstimator() {
        let logits: [Float] = [-1.5, 0, 0.8, 2]
        let c: [Float] = [2, -1, 0.5, 3]
        var random = SplitMix64(seed: 9)
        var samples: [[Float]] = [], losses: [Float] = []
        for _ in 0..<100_000 {
            let m: [Float] = logits.map { random.nextUnitDouble() < sigmoid(Double($0)) ? 1 : 0 }
            samples.append(m)
            losses.append(zip(c, m).reduce(1) { $0 + $1.0 * $1.1 })
        }
        let expectedLoss = 1 + zip(c, logits).reduce(0) { $0 + $1.0 * Float(sigmoid(Double($1.1))) }
        let estimate = ReinforceTraining.scoreFunctionGradient(logits: logits, samples: samples, losses: losses, baseline: expectedLoss)
        for i in logits.indices {
            let p = Float(sigmoid(Double(logits[i])))
            #expect(abs(estimate[i] - c[i] * p * (1 - p)) < 0.03, "gate \(i): \(estimate[i]) vs \(c[i] * p * (1 - p))")
        }
    }

    /// ∂(mean ℓ)/∂gate and ∂(mean ℓ)/∂b of `result` against central differences of the plain run's mean
    /// loss (h = 0.01, within 2%): the largest gate and b entries and the given gates, b[1].
    static func expectGradientsMatchDifferences(_ run: GatedRun, examples: [InterventionExample], gates: [Float], baseline: [Float],
                                                result: GatedRun.Result, gateIndices: [Int], label: String) {
        func mean(_ gates: [Float], _ baseline: [Float]) -> Double {
            Double(run(examples, gates: gates, baseline: baseline, gradients: false).losses.reduce(0, +)) / Double(examples.count)
        }
        let h: Float = 1e-2
        let largestGate = result.gateGradient.indices.max { abs(result.gateGradient[$0]) < abs(result.gateGradient[$1]) }!
        for index in [largestGate] + gateIndices {
            var up = gates, down = gates
            up[index] += h; down[index] -= h
            let numeric = (mean(up, baseline) - mean(down, baseline)) / Double(2 * h)
            #expect(abs(numeric - Double(result.gateGradient[index])) < 2e-2 * max(0.05, abs(numeric)), "\(label) gate \(index): \(numeric) vs \(result.gateGradient[index])")
        }
        let largestBaseline = result.baselineGradient.indices.max { abs(result.baselineGradient[$0]) < abs(result.baselineGradient[$1]) }!
        for index in [largestBaseline, 1] {
            var up = baseline, down = baseline
            up[index] += h; down[index] -= h
            let numeric = (mean(gates, up) - mean(gates, down)) / Double(2 * h)
            #expect(abs(numeric - Double(result.baselineGradient[index])) < 2e-2 * max(0.05, abs(numeric)), "\(label) b \(index): \(numeric) vs \(result.baselineGradient[index])")
        }
    }

    @Test("the gated objective's gradients in every gate and in b match finite differences through a real (tiny Gemma) model, KL included")
    func gatedGradients() throws {
        let model = try Gemma3Model.load(from: Fixtures.tinyGemma3)
        var random = SplitMix64(seed: 21)
        let examples = [6, 9].map { length in
            InterventionExample(ids: (0..<length).map { _ in 1 + Int(random.nextUnitDouble() * Double(model.vocabularySize - 2)) },
                                preferred: 3, alternative: 17, subjectRow: 2, firstWordRow: 1, condition: "c", text: "t",
                                preferredForm: "a", alternativeForm: "b")
        }
        for (site, steps) in [(ModelSite.residual(1), InterventionSteps.single), (.mlp(2), .every)] {
            let run = GatedRun(model: model, site: site, steps: steps, klWeight: 1)
            let width = run.width
            let gates = (0..<(2 * width)).map { _ in Float(random.nextUnitDouble()) }
            let baseline = (0..<width).map { _ in Float(random.nextUnitDouble() * 2 - 1) }
            let result = run(examples, gates: gates, baseline: baseline, gradients: true)
            Self.expectGradientsMatchDifferences(run, examples: examples, gates: gates, baseline: baseline, result: result,
                                                 gateIndices: [3, width + 5], label: "\(site)")
            #expect(result.divergences.allSatisfy { $0 > 0 }, "the edit changes the distributions")
        }
    }

    @Test("on a model with two planted units among 16 and a budget of 2.5, Hard Concrete and REINFORCE learn exactly those units and IG ranks them first")
    func plantedUnits() throws {
        let model = PlantedUnitsModel()
        let training = PlantedUnitsModel.examples(plural: false)
        var settings = MaskTrainingSettings()
        settings.steps = 600
        settings.batchSize = 4
        settings.klWeight = 0
        settings.unitShare = 2.5 / 16   // room for the two units and not for a third: which two is the question
        let learned = HardConcreteTraining(model: model, site: .residual(0), steps: .single, settings: settings).train(training, direction: "plural")
        #expect(learned.units == PlantedUnitsModel.planted, "Hard Concrete found \(learned.units): P(open) \(learned.openProbability), b \(learned.baseline), last \(learned.history.suffix(3))")
        let outcome = InterventionOutcome.measure(learned, on: training, model: model)
        #expect(outcome.accuracy == 1 && outcome.uneditedShare == 0)
        #expect(learned.baseline[2] < -0.5 && learned.baseline[5] < -0.5, "the baselines push towards plural")

        var reinforceSettings = settings
        reinforceSettings.steps = 1500
        let reinforced = ReinforceTraining(model: model, site: .residual(0), steps: .single, settings: reinforceSettings).train(training, direction: "plural")
        #expect(reinforced.units == PlantedUnitsModel.planted, "REINFORCE found \(reinforced.units)")

        let integrated = IntegratedGradientsSelection(model: model, site: .residual(0), steps: .single, settings: settings)
            .select(training, direction: "plural", count: 2, baseline: learned.baseline)
        #expect(integrated.units == PlantedUnitsModel.planted, "IG's top 2: \(integrated.units)")
        #expect(InterventionOutcome.measure(integrated, on: training, model: model).accuracy == 1)
    }

    @Test("Lakretz et al.'s 12,000 pairs become examples: seeded 11,000 / 1,000 split, → plural from singular subjects, the subject's last token edited")
    func numberTask() throws {
        guard let tokenizer = try SentencePieceBPEGemmaParityTests.tokenizer() else { return }
        let pairs = try AgreementStimuli.lakretz(folder: Fixtures.shared.appendingPathComponent("agreement/lakretz2019"))
        #expect(pairs.count == 12_000)
        let task = try InterventionTask.numberAgreement(pairs, tokenizer: tokenizer, maxLength: 64, heldOut: 1000, seed: 1)
        let total = task.directions.reduce(0) { $0 + $1.training.count + $1.heldOut.count }
        #expect(total + task.skipped.count == 12_000)
        #expect(task.directions.reduce(0) { $0 + $1.heldOut.count } == 1000)
        #expect(task.directions.map(\.name) == ["plural", "singular"])
        for example in task.directions[0].training.prefix(50) {
            #expect(example.condition.split(separator: " ").last!.hasPrefix("singular"))
            #expect(example.subjectRow < example.ids.count && example.preferred != example.alternative)
            #expect(example.editRows(.every).first == example.firstWordRow && example.editRows(.every).last == example.targetRow)
        }
        let again = try InterventionTask.numberAgreement(pairs, tokenizer: tokenizer, maxLength: 64, heldOut: 1000, seed: 1)
        #expect(again == task, "the split is seeded")
    }
}

/// The gated objective on a recurrent model: the edit acts inside block l at the edited rows' own
/// time steps, and its gradients pass back through the later steps (the tiny converted LSTM).
@Suite("sparse interventions on the LSTM")
struct RecurrentSparseInterventionTests {
    static func examples(_ model: LSTMModel, seed: UInt64) -> [InterventionExample] {
        var random = SplitMix64(seed: seed)
        return [6, 9, 4].map { length in
            InterventionExample(ids: (0..<length).map { _ in 2 + Int(random.nextUnitDouble() * Double(model.vocabularySize - 3)) },
                                preferred: 3, alternative: 7, subjectRow: min(2, length - 2), firstWordRow: 0, condition: "c", text: "t",
                                preferredForm: "a", alternativeForm: "b")
        }
    }

    @Test("gradients in every gate and in b match central differences, KL included",
          arguments: [(ModelSite.residual(1), InterventionSteps.single), (.residual(2), .every), (.cell(1), .every), (.mlp(2), .single)])
    func gatedGradients(site: ModelSite, steps: InterventionSteps) throws {
        let model = try LSTMModel.load(from: LSTMReference.folder)
        let examples = Self.examples(model, seed: 5)
        var random = SplitMix64(seed: 23)
        let run = GatedRun(model: model, site: site, steps: steps, klWeight: 1)
        let width = run.width
        let gates = (0..<(examples.count * width)).map { _ in Float(random.nextUnitDouble()) }
        let baseline = (0..<width).map { _ in Float(random.nextUnitDouble() * 2 - 1) }
        let result = run(examples, gates: gates, baseline: baseline, gradients: true)
        let plain = run(examples, gates: gates, baseline: baseline, gradients: false)
        let plainLoss: Float = plain.losses.reduce(0, +), tracedLoss: Float = result.losses.reduce(0, +)
        #expect(abs(plainLoss - tracedLoss) < 1e-4, "the traced run's loss is the plain run's")
        SparseInterventionTests.expectGradientsMatchDifferences(run, examples: examples, gates: gates, baseline: baseline, result: result,
                                                                gateIndices: [3, width + 5, 2 * width + 1], label: "\(site) \(steps)")
        #expect(result.editedRowsBefore.count == examples.map { $0.editRows(steps).count }.reduce(0, +) * width)
    }

    @Test("a binary single-step mask replaces the subject's units at its own step, exactly as a row-local edit through the run loop")
    func forwardMatchesRunLoop() throws {
        let model = try LSTMModel.load(from: LSTMReference.folder)
        let examples = Self.examples(model, seed: 9)
        let run = GatedRun(model: model, site: .residual(1), steps: .single, klWeight: 0)
        let width = run.width
        var mask = [Float](repeating: 0, count: width)
        mask[1] = 1; mask[4] = 1
        let baseline = (0..<width).map { Float($0) * 0.3 - 1 }
        let gated = run(examples, gates: Array(repeating: mask, count: examples.count).flatMap { $0 }, baseline: baseline, gradients: false)
        let batch = PackedBatch(sequences: examples.map(\.ids))
        let subjects = examples.indices.map { batch.starts[$0] + examples[$0].subjectRow }
        let last = model.run(batch, edits: [.residual(1): { state, _ in
            for row in subjects { for unit in [1, 4] { state.scalars[row * width + unit] = baseline[unit] } }
        }])
        let logits = model.logits(last, rows: examples.indices.map { batch.starts[$0] + examples[$0].targetRow }, vocabulary: [3, 7])!
        for s in examples.indices {
            #expect(abs(gated.logRatios[s] - (logits.scalars[2 * s] - logits.scalars[2 * s + 1])) < 1e-5, "example \(s)")
        }
        // No gate open: the unedited model.
        let plain = run(examples, gates: [Float](repeating: 0, count: examples.count * width), baseline: baseline, gradients: false)
        let unedited = model.logits(model.run(batch), rows: examples.indices.map { batch.starts[$0] + examples[$0].targetRow }, vocabulary: [3, 7])!
        for s in examples.indices { #expect(abs(plain.logRatios[s] - (unedited.scalars[2 * s] - unedited.scalars[2 * s + 1])) < 1e-5) }
        #expect(gated.logRatios != plain.logRatios, "the edit changes something")
    }
}

@Suite("De Cao et al.'s Fig. 1–2: a mask's units along a sentence")
struct MaskActivationFigureTests {
    @Test("on the LSTM the edit sets the units at the subject's step and carries into the later steps; the steps before stay as they were")
    func recurrentTraces() throws {
        let model = try LSTMModel.load(from: LSTMReference.folder)
        let example = RecurrentSparseInterventionTests.examples(model, seed: 9)[1]   // 9 tokens, subject at 2
        var baseline = [Float](repeating: 0, count: model.hiddenSize)
        baseline[1] = 0.9; baseline[4] = -0.8
        let mask = LearnedIntervention(method: .hardConcrete, site: .residual(1), steps: .single, direction: "plural", units: [1, 4],
                                       baseline: baseline, openProbability: [], history: [], convergedAtStep: nil, trainingSeconds: 0, settings: [:])
        let (unedited, edited) = MaskActivationFigure.traces(mask, example: example, model: model)
        #expect(unedited.count == 2 && unedited.allSatisfy { $0.count == 9 })
        for (index, unit) in [1, 4].enumerated() {
            #expect(Array(edited[index].prefix(2)) == Array(unedited[index].prefix(2)), "unit \(unit) before the subject")
            #expect(edited[index][2] == baseline[unit], "unit \(unit) at the subject is b")
            #expect(edited[index][3] != unedited[index][3], "unit \(unit): the recurrence carries the edit on")
        }
        let chart = MaskActivationFigure.figure(mask, example: example, model: model, tokens: example.ids.map { "w\($0)" })
        #expect(chart.series.count == 4 && chart.series[1].dash == .dashed)
        #expect(chart.svg().contains("<svg"))
    }

    @Test("on a Transformer the site's stream changes only at the edited positions")
    func transformerTraces() throws {
        let model = try Gemma3Model.load(from: Fixtures.tinyGemma3)
        let example = InterventionExample(ids: [2, 5, 7, 9, 11], preferred: 3, alternative: 17, subjectRow: 2, firstWordRow: 1, condition: "c",
                                          text: "t", preferredForm: "a", alternativeForm: "b")
        var baseline = [Float](repeating: 0, count: model.hiddenSize)
        baseline[3] = 5
        let mask = LearnedIntervention(method: .hardConcrete, site: .residual(1), steps: .every, direction: "plural", units: [3],
                                       baseline: baseline, openProbability: [], history: [], convergedAtStep: nil, trainingSeconds: 0, settings: [:])
        let (unedited, edited) = MaskActivationFigure.traces(mask, example: example, model: model)
        #expect(edited[0][0] == unedited[0][0], "before the first word")
        #expect(Array(edited[0][1...]) == [5, 5, 5, 5], "every position from the first word to the target")
    }
}
