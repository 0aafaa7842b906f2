import Foundation
import Kernels
import Models
import Support

/// The objective every sparse-intervention method shares, on one batch: the model run with
/// ĥ = (1 − m) ⊙ h + m ⊙ b at the edit rows of each example (m per example, b shared), the loss
/// ℓ = L_ratio + w·KL per example, and — when asked — its gradient with respect to every gate and
/// to b (through the model's pullbacks).
///
/// L_ratio = p(d)/p(t) = exp(logit d − logit t) at the target row (the softmax normaliser cancels);
/// its exponent is clamped at 10 (a ratio of 22,026) so that a confident example cannot overflow.
/// KL(p_original ‖ p_intervened) is averaged over the rows an edit can change (from the first
/// edited row to the target, target included), full vocabulary; rows before the edit are equal in
/// a causal model and are not computed.
struct GatedRun {
    let model: any DifferentiableLanguageModel
    let site: ModelSite
    let steps: InterventionSteps
    let klWeight: Float
    /// What ℓ is: L_ratio + w·KL (the methods' objective), or the plain log-ratio summed over the
    /// examples (what Integrated Gradients attributes; no KL).
    var objective: Objective = .ratio

    enum Objective { case ratio, logRatioSum }

    struct Result {
        /// Per example: log p(d) − log p(t) after the edit, KL, and ℓ.
        var logRatios: [Float], divergences: [Float], losses: [Float]
        /// ∂(mean ℓ)/∂m, [examples × width]; empty without gradients.
        var gateGradient: [Float]
        /// ∂(mean ℓ)/∂b, [width]; empty without gradients.
        var baselineGradient: [Float]
        /// The edited rows before the edit and ∂ℓ/∂ĥ at them, in edit order, [rows × width].
        var editedRowsBefore: [Float] = [], editedRowGradient: [Float] = []
        /// Where the call's time went.
        var seconds = GatedRunTimings()
    }

    static let ratioExponentCap: Float = 10

    /// The width of the site's state.
    var width: Int { if case .mlp = site { return model.mlpSize } else { return model.hiddenSize } }

    /// The hidden state the lower blocks produce, from which both runs start.
    private var startLayer: Int { if case .mlp(let layer) = site { return layer - 1 } else { return site.layer } }

    /// A recurrent model (the LSTM) applies the edit inside block `site.layer` at every time step,
    /// handing it the state with only that step's rows current: both runs start from the batch, the
    /// edit changes and records each edit row at its own step, and the gradient passes back through
    /// the block's later steps and through the edit's pullback, (1 − m) on the edited rows.
    private var isRecurrent: Bool { model is any RecurrentDifferentiableLanguageModel && site.layer >= 1 }

    /// - Parameters:
    ///   - gates: [examples × width] gate values in [0, 1].
    ///   - baseline: [width].
    func callAsFunction(_ examples: [InterventionExample], gates: [Float], baseline: [Float], gradients: Bool) -> Result {
        let width = self.width, count = examples.count
        var clock = Date(), seconds = GatedRunTimings()
        func lap(_ phase: WritableKeyPath<GatedRunTimings, Double>) {
            let now = Date()
            seconds[keyPath: phase] += now.timeIntervalSince(clock)
            clock = now
        }
        precondition(gates.count == count * width && baseline.count == width, "GatedRun: gates \(gates.count), baseline \(baseline.count), width \(width)")
        let batch = PackedBatch(sequences: examples.map(\.ids))
        let editRows: [[Int]] = examples.indices.map { s in examples[s].editRows(steps).map { batch.starts[s] + $0 } }
        let targetRows = examples.indices.map { batch.starts[$0] + examples[$0].targetRow }
        let useKL = klWeight > 0 && objective == .ratio
        // Rows read through the head, and each example's range among them.
        var rows: [Int] = [], rowSpans: [Range<Int>] = []
        for (s, example) in examples.enumerated() {
            let first = rows.count
            if useKL { rows += example.changedRows(steps).map { batch.starts[s] + $0 } } else { rows.append(targetRows[s]) }
            rowSpans.append(first..<rows.count)
        }
        // Restricted vocabulary without KL: the examples' d and t only.
        let vocabulary: [Int]? = useKL ? nil : Array(Set(examples.flatMap { [$0.preferred, $0.alternative] })).sorted()
        let column: (Int) -> Int = { id in vocabulary.map { $0.firstIndex(of: id)! } ?? id }
        let recurrent = isRecurrent
        // A recurrent block is run whole (its edit acts inside it); the others split at the site.
        let start: (layer: Int, state: Tensor)? = recurrent ? nil : (startLayer, model.run(batch, upTo: startLayer))
        lap(\.lower)
        var original: [[Float]] = []
        if useKL {
            let last = model.run(batch, from: start)
            let logits = model.logits(last, rows: rows, vocabulary: nil)!
            original = (0..<rows.count).map { logSoftmax(logits, row: $0) }
        }
        lap(\.reference)
        let recorder = PreEditRows()
        // The recurrent block calls the edit once per time step, 0, 1, …, for the longest sequence's length.
        let longest = examples.map(\.ids.count).max() ?? 1
        let editRowSteps: [[Int]] = examples.indices.map { s in examples[s].editRows(steps) }
        let edit: SiteEdit = { state, _ in
            let stride = state.columns
            precondition(stride == width, "GatedRun: state width \(stride) vs \(width)")
            let currentStep: Int? = recurrent ? recorder.nextCall() % longest : nil
            state.scalars.withUnsafeMutableBufferPointer { h in
                for (s, rowsOfExample) in editRows.enumerated() {
                    for (row, position) in zip(rowsOfExample, editRowSteps[s]) where currentStep == nil || currentStep == position {
                        recorder.rows[row] = Array(h[(row * width)..<((row + 1) * width)])
                        for i in 0..<width {
                            let m = gates[s * width + i]
                            h[row * width + i] = (1 - m) * h[row * width + i] + m * baseline[i]
                        }
                    }
                }
            }
        }
        // ∂ĥ/∂h = 1 − m on the edited rows (rows not current at a step are not read back by the block).
        let editPullback: SiteEditPullback = { gradient, _ in
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                for (s, rowsOfExample) in editRows.enumerated() {
                    for row in rowsOfExample {
                        for i in 0..<width { g[row * width + i] *= 1 - gates[s * width + i] }
                    }
                }
            }
        }
        var logRatios = [Float](repeating: 0, count: count), divergences = [Float](repeating: 0, count: count)
        var losses = [Float](repeating: 0, count: count)
        let weight = klWeight, sumsLogRatios = objective == .logRatioSum
        let loss: LogitLoss = { logits in
            lap(\.forward)
            defer { lap(\.loss) }
            let entries = logits.columns
            var gradient = Tensor(zeros: logits.shape)
            var total: Float = 0
            for s in 0..<count {
                let span = rowSpans[s]
                let target = span.upperBound - 1   // the target row is each example's last
                let d = column(examples[s].preferred), t = column(examples[s].alternative)
                let delta = logits.scalars[target * entries + d] - logits.scalars[target * entries + t]
                let ratio = exp(min(delta, Self.ratioExponentCap))
                logRatios[s] = delta
                var divergence: Float = 0
                if useKL {
                    for (offset, row) in span.enumerated() {
                        let intervened = logSoftmax(logits, row: row)
                        let reference = original[rowSpans[s].lowerBound + offset]
                        var rowDivergence: Double = 0
                        for v in 0..<entries {
                            let p = exp(reference[v])
                            rowDivergence += Double(p) * Double(reference[v] - intervened[v])
                            // ∂KL/∂logit = softmax(intervened) − p_original, averaged over the rows and the batch.
                            gradient.scalars[row * entries + v] += weight * (exp(intervened[v]) - p) / Float(span.count * count)
                        }
                        divergence += Float(rowDivergence) / Float(span.count)
                    }
                }
                divergences[s] = divergence
                if sumsLogRatios {
                    losses[s] = delta
                    total += delta
                    gradient.scalars[target * entries + d] += 1
                    gradient.scalars[target * entries + t] -= 1
                    continue
                }
                losses[s] = ratio + weight * divergence
                total += losses[s]
                gradient.scalars[target * entries + d] += ratio / Float(count)
                gradient.scalars[target * entries + t] -= ratio / Float(count)
            }
            return (sumsLogRatios ? total : total / Float(count), gradient)
        }
        guard gradients else {
            // Forward only: the edited run and the loss, no pullbacks.
            let last = model.run(batch, from: start, edits: [site: edit])
            _ = loss(model.logits(last, rows: rows, vocabulary: vocabulary)!)
            return Result(logRatios: logRatios, divergences: divergences, losses: losses, gateGradient: [], baselineGradient: [], seconds: seconds)
        }
        let result = model.gradient(batch, at: site, from: start, edits: [site: edit],
                                    editPullbacks: recurrent ? [site: editPullback] : [:], rows: rows, vocabulary: vocabulary, loss: loss)
        lap(\.pullback)
        var gateGradient = [Float](repeating: 0, count: count * width), baselineGradient = [Float](repeating: 0, count: width)
        var editedRowGradient: [Float] = [], editedRowsBefore: [Float] = []
        let editedValues = editRows.joined().count * width
        editedRowGradient.reserveCapacity(editedValues)
        editedRowsBefore.reserveCapacity(editedValues)
        result.gradient.scalars.withUnsafeBufferPointer { g in
            for (s, rowsOfExample) in editRows.enumerated() {
                for row in rowsOfExample {
                    guard let before = recorder.rows[row] else { preconditionFailure("GatedRun: the edit never reached row \(row)") }
                    for i in 0..<width {
                        let grad = g[row * width + i]
                        gateGradient[s * width + i] += grad * (baseline[i] - before[i])
                        baselineGradient[i] += grad * gates[s * width + i]
                    }
                    editedRowGradient.append(contentsOf: g[(row * width)..<((row + 1) * width)])
                    editedRowsBefore.append(contentsOf: before)
                }
            }
        }
        lap(\.assembly)
        return Result(logRatios: logRatios, divergences: divergences, losses: losses, gateGradient: gateGradient, baselineGradient: baselineGradient,
                      editedRowsBefore: editedRowsBefore, editedRowGradient: editedRowGradient, seconds: seconds)
    }
}

/// Where a `GatedRun` call's time goes (seconds). The loss is computed between the forward run
/// and the pullbacks, so its start and end split the model's `gradient` call into its two halves.
public struct GatedRunTimings: Sendable, Hashable {
    /// The blocks below the site (both runs start from their output; an LSTM runs whole in `forward`).
    public var lower: Double = 0
    /// The unedited run above the site and its full-vocabulary log-softmax, for KL.
    public var reference: Double = 0
    /// The edited (traced) run above the site and the head's logits.
    public var forward: Double = 0
    /// L_ratio, KL and their gradient in the logits.
    public var loss: Double = 0
    /// The head's and the blocks' pullbacks down to the site.
    public var pullback: Double = 0
    /// ∂ℓ/∂m and ∂ℓ/∂b from ∂ℓ/∂ĥ.
    public var assembly: Double = 0

    public init() {}

    public var total: Double { lower + reference + forward + loss + pullback + assembly }
}

/// The state's edited rows as they were before the edit, by row (∂ℓ/∂m needs h − b), and the
/// calls of the edit so far (a recurrent block calls it once per time step).
private final class PreEditRows: @unchecked Sendable {
    var rows: [Int: [Float]] = [:]
    private var calls = 0

    func nextCall() -> Int {
        defer { calls += 1 }
        return calls
    }
}

/// Log-softmax of one row of a logits tensor.
func logSoftmax(_ logits: Tensor, row: Int) -> [Float] {
    let entries = logits.columns
    var values = Array(logits.scalars[(row * entries)..<((row + 1) * entries)])
    let largest = values.max() ?? 0
    var sum: Double = 0
    for value in values { sum += Double(exp(value - largest)) }
    let normaliser = largest + Float(log(sum))
    for i in values.indices { values[i] -= normaliser }
    return values
}

/// Training batches drawn without replacement from a seeded order, reshuffled after each pass.
struct TrainingBatches {
    let examples: [InterventionExample]
    let size: Int
    private var order: [Int], cursor = 0

    init(_ examples: [InterventionExample], size: Int, generator: inout SplitMix64) {
        self.examples = examples
        self.size = min(size, examples.count)
        order = examples.indices.shuffled(using: &generator)
    }

    mutating func next(using generator: inout SplitMix64) -> [InterventionExample] {
        var batch: [InterventionExample] = []
        while batch.count < size {
            if cursor == order.count { order = examples.indices.shuffled(using: &generator); cursor = 0 }
            batch.append(examples[order[cursor]]); cursor += 1
        }
        return batch
    }
}

extension LearnedIntervention.Step {
    /// A step's figures from its batch's result.
    init(step: Int, batch result: GatedRun.Result, expectedUnits: Double, multiplier: Double) {
        let count = Double(max(1, result.logRatios.count))
        self.init(step: step, ratio: result.logRatios.reduce(0) { $0 + exp(Double(min($1, GatedRun.ratioExponentCap))) } / count,
                  divergence: result.divergences.reduce(0) { $0 + Double($1) } / count, expectedUnits: expectedUnits,
                  multiplier: multiplier, flipped: Double(result.logRatios.filter { $0 < 0 }.count) / count)
    }
}
