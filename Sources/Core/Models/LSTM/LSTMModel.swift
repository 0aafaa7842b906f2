import Foundation
import Kernels

/// The changes a recurrent block applies at every time step: each receives the whole state
/// [tokens, width] in which only the current step's rows are current (``SiteEdit``'s rule).
struct LSTMStepEdits {
    /// The gate activations σ(i), σ(f), tanh(g), σ(o), before they make c and h. [tokens, 4·hidden]
    var gates: ((inout Tensor) -> Void)?
    /// The cell state c_t, before h_t = σ(o) · tanh(c_t) is made from it. [tokens, hidden]
    var cell: ((inout Tensor) -> Void)?
    /// The output h_t, before the next step (and the next block) reads it. [tokens, hidden]
    var hidden: ((inout Tensor) -> Void)?

    var isEmpty: Bool { gates == nil && cell == nil && hidden == nil }
}

/// What one LSTM block produced over a batch, every row of every sequence.
struct LSTMLayerStates {
    /// h, the block's output. [tokens, hidden]
    var hidden: Tensor
    /// c. [tokens, hidden]
    var cell: Tensor
    /// σ(i), σ(f), tanh(g), σ(o) after any edit. [tokens, 4·hidden]
    var gates: Tensor
    /// The gate activations before their edit, when there was one (the pullback's derivatives). [tokens, 4·hidden]
    var gatesBeforeEdit: Tensor?
    /// h and c before each sequence's first token, when not zero (carried from an earlier segment).
    var initial: LSTMRecurrentState?

    /// h and c after each sequence's last token: what the next segment of the same streams starts from.
    func final(_ batch: PackedBatch) -> LSTMRecurrentState {
        let rows = (0..<batch.sequenceCount).map { batch.rows(of: $0).upperBound - 1 }
        return LSTMRecurrentState(hidden: hidden.selectingRows(rows), cell: cell.selectingRows(rows))
    }
}

/// One block's h and c for every sequence of a batch, in sequence order: where truncated
/// backpropagation through time starts a segment (the previous segment's last state, detached).
public struct LSTMRecurrentState: Sendable, Equatable {
    /// [sequences, hidden]
    public var hidden: Tensor
    /// [sequences, hidden]
    public var cell: Tensor

    /// The zero state of `sequences` sequences.
    public init(zeros sequences: Int, width: Int) {
        hidden = Tensor(zeros: [sequences, width])
        cell = hidden
    }

    public init(hidden: Tensor, cell: Tensor) {
        precondition(hidden.shape == cell.shape, "LSTM state: h \(hidden.shape) vs c \(cell.shape)")
        self.hidden = hidden
        self.cell = cell
    }
}

/// One layer of PyTorch's `nn.LSTM` (gates stacked i, f, g, o):
/// `i, f, o = σ(…), g = tanh(W_i x_t + b_i + W_h h_{t−1} + b_h)`, `c_t = f ⊙ c_{t−1} + i ⊙ g`,
/// `h_t = o ⊙ tanh(c_t)`, starting from h_0 = c_0 = 0 for every sequence unless a segment's
/// initial state is given.
package struct LSTMLayer: Sendable {
    /// W_ih. [4·hidden, input]
    var inputWeight: Tensor
    /// W_hh. [4·hidden, hidden]
    var recurrentWeight: Tensor
    /// b_ih + b_hh. [4·hidden]
    var bias: Tensor

    /// Memberwise, for the trainer's checkpoints.
    package init(inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor) {
        self.inputWeight = inputWeight
        self.recurrentWeight = recurrentWeight
        self.bias = bias
    }

    var hiddenSize: Int { recurrentWeight.columns }

    /// Whether a time step's recurrent product ([sequences, hidden] · [hidden, 4·hidden]) is small
    /// enough to run on one BLAS thread: under 2²⁴ multiply-adds (a 200-unit LSTM's batch of 16 is
    /// 2.6 M; Gulordava's 650 units at 16 sequences, 27 M, keep every thread).
    func smallSteps(_ sequences: Int) -> Bool { sequences * hiddenSize * 4 * hiddenSize < 1 << 24 }

    /// Runs the recurrence over every sequence of a batch at once: the input product of the whole
    /// layer in one GEMM up front, then one GEMM per time step for the sequences still running
    /// (longest first, so they are a prefix of the state).
    ///
    /// - Parameters:
    ///   - input: the previous block's output. [tokens, input]
    ///   - initial: h and c before each sequence's first token (zero when nil). [sequences, hidden] each
    func callAsFunction(_ input: Tensor, batch: PackedBatch, edits: LSTMStepEdits = LSTMStepEdits(),
                        initial: LSTMRecurrentState? = nil) -> LSTMLayerStates {
        let width = hiddenSize, gateWidth = 4 * width
        // Pre-activations of every row's gates from its input: [tokens, 4·hidden].
        var gates = input.linear(weight: inputWeight, bias: bias)
        var hidden = Tensor(zeros: [batch.tokenCount, width]), cell = Tensor(zeros: [batch.tokenCount, width])
        let lengths = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }
        let order = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        let longest = lengths.max() ?? 0
        // h_{t−1} and c_{t−1} of the running sequences, in `order`. [sequences, hidden]
        var previousHidden = [Float](repeating: 0, count: batch.sequenceCount * width)
        var previousCell = previousHidden
        if let initial {
            precondition(initial.hidden.shape == [batch.sequenceCount, width],
                         "LSTM initial state \(initial.hidden.shape) vs [\(batch.sequenceCount), \(width)]")
            for (slot, sequence) in order.enumerated() {
                for k in 0..<width {
                    previousHidden[slot * width + k] = initial.hidden.scalars[sequence * width + k]
                    previousCell[slot * width + k] = initial.cell.scalars[sequence * width + k]
                }
            }
        }
        var recurrent = [Float](repeating: 0, count: batch.sequenceCount * gateWidth)
        var stepRows: [Int] = []
        var gateScratch: Tensor?, cellScratch: Tensor?, hiddenScratch: Tensor?, gatesBeforeEdit: Tensor?
        // One GEMM per step on a few rows: on one thread (OpenBLAS's threads spin on products this
        // small and fall apart when the cores are shared; `bench mask` measured one thread as fast).
        BLAS.singleThreaded(when: smallSteps(batch.sequenceCount)) {
            for step in 0..<longest {
                let running = order.prefix { lengths[$0] > step }.count
                stepRows = order.prefix(running).map { batch.starts[$0] + step }
                // Gates: input part + W_hh h_{t−1}, then the nonlinearities.
                let recurs = step > 0 || initial != nil
                if recurs {
                    previousHidden.withUnsafeBufferPointer { h in
                        recurrentWeight.scalars.withUnsafeBufferPointer { w in
                            recurrent.withUnsafeMutableBufferPointer { r in
                                BLAS.gemm(transposeB: true, m: running, n: gateWidth, k: width, a: h.baseAddress!, lda: width,
                                          b: w.baseAddress!, ldb: width, c: r.baseAddress!, ldc: gateWidth)
                            }
                        }
                    }
                }
                gates.scalars.withUnsafeMutableBufferPointer { g in
                    recurrent.withUnsafeBufferPointer { r in
                        for (slot, row) in stepRows.enumerated() {
                            let z = g.baseAddress! + row * gateWidth
                            if recurs { for k in 0..<gateWidth { z[k] += r[slot * gateWidth + k] } }
                            Self.squash(z, count: 2 * width, with: Self.sigmoid)
                            Self.squash(z + 2 * width, count: width, with: Self.tanh)
                            Self.squash(z + 3 * width, count: width, with: Self.sigmoid)
                        }
                    }
                }
                if let edit = edits.gates {
                    if gatesBeforeEdit == nil { gatesBeforeEdit = Tensor(zeros: gates.shape) }
                    Self.copyRows(stepRows, from: gates, to: &gatesBeforeEdit!)
                    Self.edit(&gates, scratch: &gateScratch, rows: stepRows, with: edit)
                }
                // c_t = f ⊙ c_{t−1} + i ⊙ g.
                gates.scalars.withUnsafeBufferPointer { g in
                    cell.scalars.withUnsafeMutableBufferPointer { c in
                        previousCell.withUnsafeBufferPointer { before in
                            for (slot, row) in stepRows.enumerated() {
                                let z = g.baseAddress! + row * gateWidth, out = c.baseAddress! + row * width
                                let last = before.baseAddress! + slot * width
                                for k in 0..<width { out[k] = z[width + k] * last[k] + z[k] * z[2 * width + k] }
                            }
                        }
                    }
                }
                if let edit = edits.cell { Self.edit(&cell, scratch: &cellScratch, rows: stepRows, with: edit) }
                // h_t = o ⊙ tanh(c_t); keep c_t and h_t for the next step.
                gates.scalars.withUnsafeBufferPointer { g in
                    cell.scalars.withUnsafeBufferPointer { c in
                        hidden.scalars.withUnsafeMutableBufferPointer { h in
                            for row in stepRows {
                                let z = g.baseAddress! + row * gateWidth, source = c.baseAddress! + row * width
                                let out = h.baseAddress! + row * width
                                Self.squash(source, into: out, count: width, with: Self.tanh)
                                for k in 0..<width { out[k] *= z[3 * width + k] }
                            }
                        }
                    }
                }
                if let edit = edits.hidden { Self.edit(&hidden, scratch: &hiddenScratch, rows: stepRows, with: edit) }
                hidden.scalars.withUnsafeBufferPointer { h in
                    cell.scalars.withUnsafeBufferPointer { c in
                        for (slot, row) in stepRows.enumerated() {
                            for k in 0..<width {
                                previousHidden[slot * width + k] = h[row * width + k]
                                previousCell[slot * width + k] = c[row * width + k]
                            }
                        }
                    }
                }
            }
        }
        return LSTMLayerStates(hidden: hidden, cell: cell, gates: gates, gatesBeforeEdit: gatesBeforeEdit, initial: initial)
    }

    /// σ(x) = 1 / (1 + e^−x) on eight lanes (FastMath's exp: vectorised, within a few ulp of libm's).
    @inline(__always) static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + FastMath.exp(-x)) }
    /// tanh x = 1 − 2 / (e^2x + 1) on eight lanes (absolute error below 1e-7; ±1 where e^2x saturates).
    @inline(__always) static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 - 2 / (FastMath.exp(2 * x) + 1) }

    /// `target[k] = f(source[k])` for k < count, eight lanes at a time (the tail through one lane of the same function).
    @inline(__always)
    static func squash(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int,
                       with function: (SIMD8<Float>) -> SIMD8<Float>) {
        var k = 0
        while k + 8 <= count {
            let value = function(UnsafeRawPointer(source + k).loadUnaligned(as: SIMD8<Float>.self))
            UnsafeMutableRawPointer(target + k).storeBytes(of: value, as: SIMD8<Float>.self)
            k += 8
        }
        while k < count { target[k] = function(SIMD8(repeating: source[k]))[0]; k += 1 }
    }

    /// `f` in place on `count` values.
    @inline(__always)
    static func squash(_ values: UnsafeMutablePointer<Float>, count: Int, with function: (SIMD8<Float>) -> SIMD8<Float>) {
        squash(UnsafePointer(values), into: values, count: count, with: function)
    }

    /// A step's gradient at `rows` pulled back through the edit made there: those rows copied into
    /// `beforeEdit` and `pull` applied to them; the gradient itself when the site is not edited.
    static func pullBack(_ gradient: Tensor, rows: [Int], through pull: ((inout Tensor) -> Void)?,
                         into beforeEdit: inout Tensor?, scratch: inout Tensor?) -> Tensor {
        guard let pull else { return gradient }
        copyRows(rows, from: gradient, to: &beforeEdit!)
        edit(&beforeEdit!, scratch: &scratch, rows: rows, with: pull)
        return beforeEdit!
    }

    /// Copies whole rows between two states of the same shape.
    static func copyRows(_ rows: [Int], from source: Tensor, to target: inout Tensor) {
        let width = source.columns
        source.scalars.withUnsafeBufferPointer { s in
            target.scalars.withUnsafeMutableBufferPointer { t in
                for row in rows { (t.baseAddress! + row * width).update(from: s.baseAddress! + row * width, count: width) }
            }
        }
    }

    /// Applies a row-local edit to the rows of one time step: they go into a scratch state of the
    /// whole batch's shape (kept across steps; a step's rows are zeroed after it, so what the edit
    /// does to rows of other steps stays bounded and is ignored), the edit changes it, and they come back.
    static func edit(_ state: inout Tensor, scratch: inout Tensor?, rows: [Int], with edit: (inout Tensor) -> Void) {
        let width = state.columns
        var work = scratch.take() ?? Tensor(zeros: state.shape)
        state.scalars.withUnsafeBufferPointer { source in
            work.scalars.withUnsafeMutableBufferPointer { target in
                for row in rows { (target.baseAddress! + row * width).update(from: source.baseAddress! + row * width, count: width) }
            }
        }
        edit(&work)
        precondition(work.shape == state.shape, "an edit changed the state's shape \(state.shape) to \(work.shape)")
        work.scalars.withUnsafeMutableBufferPointer { source in
            state.scalars.withUnsafeMutableBufferPointer { target in
                for row in rows {
                    (target.baseAddress! + row * width).update(from: source.baseAddress! + row * width, count: width)
                    (source.baseAddress! + row * width).update(repeating: 0, count: width)
                }
            }
        }
        scratch = work
    }
}

/// A word-level LSTM language model (Gulordava et al. 2018, the model De Cao et al. 2022 study):
/// word embedding → stacked LSTM → untied linear decoder over the words. Sized by ``LSTMConfig``.
///
/// Hidden state 0 is the embedding output, hidden state l layer l's h; `.cell(l)` is its c and
/// `.mlp(l)` its gate activations. Edits at a block's sites act at every time step, inside the
/// recurrence (``LanguageModel/applyLayer(_:to:batch:edits:visitInner:)``).
public struct LSTMModel: Sendable {
    public let config: LSTMConfig
    /// encoder.weight. [vocab, embedding]
    var embedding: Tensor
    var layers: [LSTMLayer]
    /// decoder.weight. [vocab, hidden]
    var decoderWeight: Tensor
    /// decoder.bias. [vocab]
    var decoderBias: Tensor

    /// Memberwise, for the trainer's checkpoints.
    package init(config: LSTMConfig, embedding: Tensor, layers: [LSTMLayer], decoderWeight: Tensor, decoderBias: Tensor) {
        self.config = config
        self.embedding = embedding
        self.layers = layers
        self.decoderWeight = decoderWeight
        self.decoderBias = decoderBias
    }

    /// Hidden state 0: each token's embedding row. - Returns: [tokens, embedding]
    public func embed(_ batch: PackedBatch) -> Tensor {
        let width = config.embeddingSize
        return Tensor(shape: [batch.tokenCount, width]) { out in
            embedding.scalars.withUnsafeBufferPointer { e in
                for (row, id) in batch.ids.enumerated() {
                    precondition(id >= 0 && id < config.vocabSize, "token id \(id) outside 0..<\(config.vocabSize)")
                    (out.baseAddress! + row * width).update(from: e.baseAddress! + id * width, count: width)
                }
            }
        }
    }

    /// Block `index` with step edits (from `initial` h and c when given); every state it made.
    func runLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, edits: LSTMStepEdits,
                  initial: LSTMRecurrentState? = nil) -> LSTMLayerStates {
        precondition(index >= 1 && index <= layers.count, "layer \(index) outside 1...\(layers.count)")
        precondition(hidden.shape == [batch.tokenCount, config.embeddingSize], "layer \(index): input \(hidden.shape) vs [\(batch.tokenCount), \(config.embeddingSize)]")
        return layers[index - 1](hidden, batch: batch, edits: edits, initial: initial)
    }

    /// Runs block `index`; `mlp`, when given, is called at every time step with the gate activations
    /// [tokens, 4·hidden] whose current rows are that step's (it may change them; the rule of ``SiteEdit``).
    public func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, mlp: ((inout Tensor) -> Void)? = nil) -> Tensor {
        runLayer(index, to: hidden, batch: batch, edits: LSTMStepEdits(gates: mlp)).hidden
    }

    /// Runs block `index` with the edits at `.residual(index)` (h), `.cell(index)` (c) and
    /// `.mlp(index)` (the gates) applied at every time step, so an edit at h_t reaches h_{t+1}, …
    public func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, edits: [ModelSite: SiteEdit],
                           visitInner: ((ModelSite, Tensor) -> Void)?) -> Tensor {
        func step(_ site: ModelSite) -> ((inout Tensor) -> Void)? {
            guard let edit = edits[site] else { return nil }
            return { (state: inout Tensor) in edit(&state, batch) }
        }
        let states = runLayer(index, to: hidden, batch: batch,
                              edits: LSTMStepEdits(gates: step(.mlp(index)), cell: step(.cell(index)), hidden: step(.residual(index))))
        visitInner?(.mlp(index), states.gates)
        visitInner?(.cell(index), states.cell)
        return states.hidden
    }

    /// Next-word logits for chosen rows of the last hidden state over chosen words (all when nil):
    /// the decoder, `h · Wᵀ + b`. - Returns: [rows, vocabulary.count or vocab]
    public func logits(_ lastHidden: Tensor, rows: [Int]? = nil, vocabulary: [Int]? = nil) -> Tensor? {
        let selected = rows.map { lastHidden.selectingRows($0) } ?? lastHidden
        guard let vocabulary else { return selected.linear(weight: decoderWeight, bias: decoderBias) }
        let bias = Tensor(shape: [vocabulary.count], scalars: vocabulary.map { decoderBias.scalars[$0] })
        return selected.linear(weight: decoderWeight.selectingRows(vocabulary), bias: bias)
    }
}

extension LSTMModel: LanguageModel {
    public var architecture: String { "lstm" }
    public var summary: String {
        "lstm, \(layers.count) × \(config.hiddenSize), word-level LM over \(config.vocabSize) words with untied decoder"
    }
    public var hiddenSize: Int { config.hiddenSize }
    /// The gate activations i, f, g, o.
    public var mlpSize: Int { 4 * config.hiddenSize }
    public var layerCount: Int { layers.count }
    /// A recurrence has no position table; this bounds only a batch's memory.
    public var maxSequenceLength: Int { 1 << 20 }
    public var vocabularySize: Int { config.vocabSize }
    public var objective: PredictionObjective { .nextToken }
    public var hasOutputHead: Bool { true }
    public var tokenEmbeddings: Tensor { embedding }
    /// The model has no normalisation; a fitted readout head's LayerNorm uses PyTorch's default.
    public var normEpsilon: Float { 1e-5 }
    public var isRecurrent: Bool { true }
}
