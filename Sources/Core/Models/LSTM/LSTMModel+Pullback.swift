import Foundation
import Kernels

/// What an LSTM block's backward pass gives, every row of the batch.
struct LSTMLayerGradients {
    /// ∂loss/∂x. [tokens, input]
    var input: Tensor
    /// ∂loss/∂h_t, total: from the block above at t and from step t + 1 of this block. [tokens, hidden]
    var hidden: Tensor
    /// ∂loss/∂c_t, total. [tokens, hidden]
    var cell: Tensor
    /// ∂loss/∂(σ(i), σ(f), tanh(g), σ(o)) at each step (after any edit there). [tokens, 4·hidden]
    var gates: Tensor
    /// ∂loss/∂z, z = W_ih x_t + W_hh h_{t−1} + b the gates' pre-activations: what the weight
    /// gradients are made of (``LSTMLayer/weightGradients(_:input:states:batch:)``). [tokens, 4·hidden]
    var preactivations: Tensor
}

extension LSTMLayer {
    /// Backpropagation through time with the weights frozen: from ∂loss/∂h (what the block above or
    /// the head sends back, [tokens, hidden]) to the gradients at the input and at every site, through
    /// the recurrence and through each step's edits (`editPullbacks`, applied at the same steps as
    /// the edits). One GEMM per time step (the recurrent product) and one for the input, as forward.
    /// - Parameter computesInput: false to leave ∂x empty ([0]) when nobody reads it (the block of
    ///   the gradient's site): its GEMM is an eighth of a 2 × 650 step's work.
    func pullback(_ outputGradient: Tensor, input: Tensor, states: LSTMLayerStates, batch: PackedBatch,
                  editPullbacks: LSTMStepEdits = LSTMStepEdits(), computesInput: Bool = true) -> LSTMLayerGradients {
        let width = hiddenSize, gateWidth = 4 * width, tokens = batch.tokenCount
        precondition(outputGradient.shape == [tokens, width], "LSTM pullback: gradient \(outputGradient.shape) vs [\(tokens), \(width)]")
        let lengths = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }
        let order = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        let longest = lengths.max() ?? 0
        var hidden = outputGradient                       // becomes the total ∂/∂h_t
        var hiddenBeforeEdit = editPullbacks.hidden == nil ? nil : Tensor(zeros: [tokens, width])
        var cell = Tensor(zeros: [tokens, width])         // total ∂/∂c_t
        var cellBeforeEdit = editPullbacks.cell == nil ? nil : Tensor(zeros: [tokens, width])
        var gates = Tensor(zeros: [tokens, gateWidth])    // ∂/∂ gate activations (after edit)
        var gatesBeforeEdit = editPullbacks.gates == nil ? nil : Tensor(zeros: [tokens, gateWidth])
        var preactivations = Tensor(zeros: [tokens, gateWidth])
        // From step t + 1 to step t, per running sequence (slot in `order`).
        var carriedHidden = [Float](repeating: 0, count: batch.sequenceCount * width)
        var carriedCell = carriedHidden
        var stepPreactivations = [Float](repeating: 0, count: batch.sequenceCount * gateWidth)
        var hiddenScratch: Tensor?, cellScratch: Tensor?, gateScratch: Tensor?
        let activations = states.gatesBeforeEdit ?? states.gates
        // c_0 of each running sequence, in `order` (a carried segment state; zero otherwise).
        var initialCell = [Float](repeating: 0, count: batch.sequenceCount * width)
        if let initial = states.initial {
            for (slot, sequence) in order.enumerated() {
                for k in 0..<width { initialCell[slot * width + k] = initial.cell.scalars[sequence * width + k] }
            }
        }
        // tanh(c_t) of one row, recomputed as forward computed it.
        let squashedCell = UnsafeMutablePointer<Float>.allocate(capacity: width)
        defer { squashedCell.deallocate() }
        // One GEMM per step on a few rows: on one thread (OpenBLAS's threads spin on products this
        // small and fall apart when the cores are shared; `bench mask` measured one thread as fast).
        BLAS.singleThreaded(when: smallSteps(batch.sequenceCount)) {
            for step in stride(from: longest - 1, through: 0, by: -1) {
                let running = order.prefix { lengths[$0] > step }.count
                let stepRows = order.prefix(running).map { batch.starts[$0] + step }
                // ∂h_t: from above plus from step t + 1.
                hidden.scalars.withUnsafeMutableBufferPointer { h in
                    for (slot, row) in stepRows.enumerated() {
                        for k in 0..<width { h[row * width + k] += carriedHidden[slot * width + k] }
                    }
                }
                // h = o ⊙ tanh(c): ∂c += ∂h ⊙ o ⊙ (1 − tanh² c), plus f_{t+1} ⊙ ∂c_{t+1}; ∂o = ∂h ⊙ tanh c.
                let dh = LSTMLayer.pullBack(hidden, rows: stepRows, through: editPullbacks.hidden, into: &hiddenBeforeEdit, scratch: &hiddenScratch)
                dh.scalars.withUnsafeBufferPointer { dh in
                    states.gates.scalars.withUnsafeBufferPointer { a in
                        states.cell.scalars.withUnsafeBufferPointer { c in
                            cell.scalars.withUnsafeMutableBufferPointer { dc in
                                gates.scalars.withUnsafeMutableBufferPointer { dg in
                                    for (slot, row) in stepRows.enumerated() {
                                        LSTMLayer.squash(c.baseAddress! + row * width, into: squashedCell, count: width, with: LSTMLayer.tanh)
                                        for k in 0..<width {
                                            let squashed = squashedCell[k]
                                            let o = a[row * gateWidth + 3 * width + k], gradient = dh[row * width + k]
                                            dc[row * width + k] = gradient * o * (1 - squashed * squashed) + carriedCell[slot * width + k]
                                            dg[row * gateWidth + 3 * width + k] = gradient * squashed
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                // c_t = f ⊙ c_{t−1} + i ⊙ g: ∂i = ∂c ⊙ g, ∂f = ∂c ⊙ c_{t−1}, ∂g = ∂c ⊙ i; ∂c_{t−1} gets ∂c ⊙ f.
                let dcBefore = LSTMLayer.pullBack(cell, rows: stepRows, through: editPullbacks.cell, into: &cellBeforeEdit, scratch: &cellScratch)
                dcBefore.scalars.withUnsafeBufferPointer { dc in
                    states.gates.scalars.withUnsafeBufferPointer { a in
                        states.cell.scalars.withUnsafeBufferPointer { c in
                            gates.scalars.withUnsafeMutableBufferPointer { dg in
                                for (slot, row) in stepRows.enumerated() {
                                    let z = row * gateWidth
                                    for k in 0..<width {
                                        let gradient = dc[row * width + k]
                                        let previous = step > 0 ? c[(row - 1) * width + k] : initialCell[slot * width + k]
                                        dg[z + k] = gradient * a[z + 2 * width + k]
                                        dg[z + width + k] = gradient * previous
                                        dg[z + 2 * width + k] = gradient * a[z + k]
                                        carriedCell[slot * width + k] = gradient * a[z + width + k]
                                    }
                                }
                            }
                        }
                    }
                }
                // Through the nonlinearities to the pre-activations z = W_ih x + W_hh h_{t−1} + b.
                let dgBefore = LSTMLayer.pullBack(gates, rows: stepRows, through: editPullbacks.gates, into: &gatesBeforeEdit, scratch: &gateScratch)
                dgBefore.scalars.withUnsafeBufferPointer { dg in
                    activations.scalars.withUnsafeBufferPointer { a in
                        preactivations.scalars.withUnsafeMutableBufferPointer { dz in
                            for (slot, row) in stepRows.enumerated() {
                                let z = row * gateWidth
                                for k in 0..<gateWidth {
                                    let value = a[z + k]
                                    let slope = k >= 2 * width && k < 3 * width ? 1 - value * value : value * (1 - value)
                                    dz[z + k] = dg[z + k] * slope
                                    stepPreactivations[slot * gateWidth + k] = dz[z + k]
                                }
                            }
                        }
                    }
                }
                // ∂h_{t−1} += W_hhᵀ ∂z, for every running sequence at once.
                if step > 0 {
                    stepPreactivations.withUnsafeBufferPointer { dz in
                        recurrentWeight.scalars.withUnsafeBufferPointer { w in
                            carriedHidden.withUnsafeMutableBufferPointer { out in
                                BLAS.gemm(m: running, n: width, k: gateWidth, a: dz.baseAddress!, lda: gateWidth,
                                          b: w.baseAddress!, ldb: width, c: out.baseAddress!, ldc: width)
                            }
                        }
                    }
                }
            }
        }
        // ∂x = ∂z · W_ih for the whole layer.
        let inputGradient = computesInput ? preactivations.matmul(inputWeight) : Tensor(zeros: [0])
        return LSTMLayerGradients(input: inputGradient, hidden: hidden, cell: cell, gates: gates, preactivations: preactivations)
    }
}

extension LSTMModel: RecurrentDifferentiableLanguageModel {
    /// Block `index` and its pullback (no edits inside: `mlp` must be nil; a gradient at a site of
    /// the block goes through ``applyRecurrentLayerWithPullback(_:to:batch:edits:editPullbacks:)``).
    public func applyLayerWithPullback(_ index: Int, to hidden: Tensor, batch: PackedBatch,
                                       mlp: ((inout Tensor) -> Void)?) -> (output: Tensor, pullback: LayerPullback) {
        precondition(mlp == nil, "LSTM block \(index): an edit inside the recurrence needs its pullback (applyRecurrentLayerWithPullback)")
        let states = runLayer(index, to: hidden, batch: batch, edits: LSTMStepEdits())
        let layer = layers[index - 1]
        return (states.hidden, LayerPullback(
            toInput: { layer.pullback($0, input: hidden, states: states, batch: batch).input },
            toMLP: { layer.pullback($0, input: hidden, states: states, batch: batch).gates }))
    }

    public func applyRecurrentLayerWithPullback(_ index: Int, to hidden: Tensor, batch: PackedBatch, edits: [ModelSite: SiteEdit],
                                                editPullbacks: [ModelSite: SiteEditPullback])
        -> (output: Tensor, sites: [ModelSite: Tensor], pullback: (Tensor) -> RecurrentLayerGradients) {
        func step(_ site: ModelSite, _ table: [ModelSite: @Sendable (inout Tensor, PackedBatch) -> Void]) -> ((inout Tensor) -> Void)? {
            guard let change = table[site] else { return nil }
            return { (state: inout Tensor) in change(&state, batch) }
        }
        for site in edits.keys {
            precondition(site.layer == index, "LSTM block \(index) was handed an edit at \(site)")
            precondition(editPullbacks[site] != nil, "LSTM block \(index): the edit at \(site) has no pullback")
        }
        let states = runLayer(index, to: hidden, batch: batch, edits: LSTMStepEdits(
            gates: step(.mlp(index), edits), cell: step(.cell(index), edits), hidden: step(.residual(index), edits)))
        let pulls = LSTMStepEdits(gates: step(.mlp(index), editPullbacks), cell: step(.cell(index), editPullbacks),
                                  hidden: step(.residual(index), editPullbacks))
        let layer = layers[index - 1]
        let sites: [ModelSite: Tensor] = [.residual(index): states.hidden, .cell(index): states.cell, .mlp(index): states.gates]
        return (states.hidden, sites, { gradient in
            let result = layer.pullback(gradient, input: hidden, states: states, batch: batch, editPullbacks: pulls, computesInput: false)
            return RecurrentLayerGradients(input: { result.preactivations.matmul(layer.inputWeight) },
                                           sites: [.residual(index): result.hidden, .cell(index): result.cell, .mlp(index): result.gates])
        })
    }

    /// Decoder logits for chosen rows and words, and the pullback from their gradient to the last
    /// hidden state's: ∂h[rows] = ∂logits · W[vocabulary].
    public func logitsWithPullback(_ lastHidden: Tensor, rows: [Int], vocabulary: [Int]?) -> (logits: Tensor, pullback: (Tensor) -> Tensor) {
        let logits = self.logits(lastHidden, rows: rows, vocabulary: vocabulary)!
        let head = vocabulary.map { decoderWeight.selectingRows($0) } ?? decoderWeight
        let shape = lastHidden.shape
        return (logits, { gradient in
            let selected = gradient.matmul(head)
            var full = Tensor(zeros: shape)
            let width = shape[1]
            for (i, row) in rows.enumerated() {
                for k in 0..<width { full.scalars[row * width + k] += selected.scalars[i * width + k] }
            }
            return full
        })
    }
}
