import Foundation
import Kernels
import Support

/// The gradient of a loss in every weight of one LSTM block.
public struct LSTMLayerWeightGradients: Sendable, Equatable {
    /// ∂/∂W_ih (`rnn.weight_ih_l{k}`). [4·hidden, input]
    public var inputWeight: Tensor
    /// ∂/∂W_hh (`rnn.weight_hh_l{k}`). [4·hidden, hidden]
    public var recurrentWeight: Tensor
    /// ∂/∂b_ih, which is also ∂/∂b_hh: both biases enter the same pre-activation. [4·hidden]
    public var bias: Tensor
}

/// The gradient of a loss in every weight of an ``LSTMModel``, in PyTorch's parameter layout.
public struct LSTMGradients: Sendable, Equatable {
    /// ∂/∂encoder.weight (dense: rows of words absent from the batch are zero). [vocab, embedding]
    public var embedding: Tensor
    public var layers: [LSTMLayerWeightGradients]
    /// ∂/∂decoder.weight. [vocab, hidden]
    public var decoderWeight: Tensor
    /// ∂/∂decoder.bias. [vocab]
    public var decoderBias: Tensor

    /// The L2 norm over all parameters as `torch.nn.utils.clip_grad_norm_` sees them: PyTorch's
    /// `nn.LSTM` holds b_ih and b_hh as two parameters with equal gradients, so each bias gradient counts twice.
    public var norm: Double {
        func squares(_ tensor: Tensor) -> Double {
            tensor.scalars.withUnsafeBufferPointer { values in
                var sum = SIMD8<Double>(repeating: 0), i = 0
                while i + 8 <= values.count {
                    let lane = SIMD8<Float>(values[i..<(i + 8)])
                    let wide = SIMD8<Double>(Double(lane[0]), Double(lane[1]), Double(lane[2]), Double(lane[3]),
                                             Double(lane[4]), Double(lane[5]), Double(lane[6]), Double(lane[7]))
                    sum += wide * wide
                    i += 8
                }
                var total = sum.sum()
                while i < values.count { total += Double(values[i]) * Double(values[i]); i += 1 }
                return total
            }
        }
        var total = squares(embedding) + squares(decoderWeight) + squares(decoderBias)
        for layer in layers { total += squares(layer.inputWeight) + squares(layer.recurrentWeight) + 2 * squares(layer.bias) }
        return total.squareRoot()
    }
}

/// One segment of truncated backpropagation through time: a stretch of `bptt` words of each of the
/// batch's streams (one packed sequence per stream, in stream order) and the word after each.
public struct LSTMSegment: Sendable, Equatable {
    /// Input words, one sequence per stream.
    public var batch: PackedBatch
    /// The next word of every row of `batch`. [tokens]
    public var targets: [Int]

    public init(batch: PackedBatch, targets: [Int]) {
        precondition(targets.count == batch.tokenCount, "segment: \(targets.count) targets for \(batch.tokenCount) rows")
        self.batch = batch
        self.targets = targets
    }
}

/// What one training (or evaluation) pass over a segment gives.
public struct LSTMTrainingPass: Sendable {
    /// Cross-entropy summed over the segment's rows (nats).
    public var lossSum: Double
    public var tokenCount: Int
    /// The gradient of the *mean* cross-entropy in every weight (nil for an evaluation pass).
    public var gradients: LSTMGradients?
    /// Each block's h and c after the segment: where the next segment of the same streams starts.
    public var final: [LSTMRecurrentState]
}

/// Where a training step's time goes (seconds, summed over steps), for `workbench bench train-lm`.
public struct LSTMTrainingClock: Sendable {
    public var embeddingAndDropout = 0.0
    public var recurrenceForward = 0.0
    public var decoderAndLoss = 0.0
    public var decoderBackward = 0.0
    public var recurrenceBackward = 0.0
    public var weightGradients = 0.0
    public var update = 0.0

    public init() {}

    /// Stage names and seconds, in the order a step runs them.
    public var stages: [(String, Double)] {
        [("embedding lookup, dropout masks", embeddingAndDropout), ("LSTM forward (input GEMM, per-step GEMM, gates)", recurrenceForward),
         ("decoder GEMM, softmax cross-entropy", decoderAndLoss), ("decoder backward (2 GEMMs)", decoderBackward),
         ("LSTM backward through time (per-step GEMM, gates, ∂x GEMM)", recurrenceBackward),
         ("weight-gradient GEMMs, embedding rows", weightGradients), ("clip + SGD update", update)]
    }

    @inline(__always)
    package static func time<T>(_ clock: inout LSTMTrainingClock?, _ stage: WritableKeyPath<LSTMTrainingClock, Double>, _ body: () -> T) -> T {
        guard clock != nil else { return body() }
        let begin = DispatchTime.now().uptimeNanoseconds
        let result = body()
        clock![keyPath: stage] += Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        return result
    }
}

extension LSTMLayer {
    /// The weight gradients of one block from its pre-activation gradients ∂z (the pullback's), as
    /// three GEMMs over every row at once: ∂W_ih = ∂zᵀ x, ∂W_hh = ∂zᵀ h_{t−1} (h_0 the segment's
    /// initial state), ∂b = 1ᵀ ∂z.
    func weightGradients(_ preactivations: Tensor, input: Tensor, states: LSTMLayerStates, batch: PackedBatch) -> LSTMLayerWeightGradients {
        let width = hiddenSize, gateWidth = 4 * width, tokens = batch.tokenCount
        // h_{t−1} of every row: the row above within a sequence, the initial state at its first row.
        let previous = Tensor(shape: [tokens, width]) { out in
            states.hidden.scalars.withUnsafeBufferPointer { h in
                if tokens > 1 { (out.baseAddress! + width).update(from: h.baseAddress!, count: (tokens - 1) * width) }
                for sequence in 0..<batch.sequenceCount where batch.rows(of: sequence).count > 0 {
                    let first = out.baseAddress! + batch.starts[sequence] * width
                    if let initial = states.initial {
                        initial.hidden.scalars.withUnsafeBufferPointer { h0 in first.update(from: h0.baseAddress! + sequence * width, count: width) }
                    } else {
                        first.update(repeating: 0, count: width)
                    }
                }
            }
        }
        func transposedProduct(_ right: Tensor) -> Tensor {
            let columns = right.columns
            return Tensor(shape: [gateWidth, columns]) { out in
                preactivations.scalars.withUnsafeBufferPointer { dz in
                    right.scalars.withUnsafeBufferPointer { x in
                        BLAS.gemm(transposeA: true, m: gateWidth, n: columns, k: tokens, a: dz.baseAddress!, lda: gateWidth,
                                  b: x.baseAddress!, ldb: columns, c: out.baseAddress!, ldc: columns)
                    }
                }
            }
        }
        return LSTMLayerWeightGradients(inputWeight: transposedProduct(input), recurrentWeight: transposedProduct(previous),
                                        bias: Tensor.columnSums(preactivations))
    }
}

extension Tensor {
    /// 1ᵀ A: the sum of every column of a matrix, as one GEMM. - Returns: [columns]
    static func columnSums(_ matrix: Tensor) -> Tensor {
        let rows = matrix.rows, columns = matrix.columns
        let ones = [Float](repeating: 1, count: rows)
        return Tensor(shape: [columns]) { out in
            ones.withUnsafeBufferPointer { one in
                matrix.scalars.withUnsafeBufferPointer { a in
                    BLAS.gemm(m: 1, n: columns, k: rows, a: one.baseAddress!, lda: rows, b: a.baseAddress!, ldb: columns,
                              c: out.baseAddress!, ldc: columns)
                }
            }
        }
    }

    /// Inverted dropout in place: each element is zeroed with probability `rate` and the rest scaled
    /// by 1 / (1 − rate) (`nn.Dropout` in training). - Returns: the mask applied (0 or 1 / (1 − rate)).
    mutating func applyDropout(rate: Float, random: inout SplitMix64) -> [Float] {
        let keep = 1 / (1 - rate)
        // A 24-bit uniform per element: u < rate drops.
        let threshold = UInt64((Double(rate) * 16_777_216).rounded())
        let mask = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = (random.next() >> 40) < threshold ? 0 : keep }
            initialized = count
        }
        multiply(by: mask)
        return mask
    }

    /// Element-wise product with an array of the same count, in place.
    mutating func multiply(by mask: [Float]) {
        precondition(mask.count == count, "multiply: \(mask.count) factors for \(count) elements")
        scalars.withUnsafeMutableBufferPointer { x in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<x.count { x[i] *= m[i] }
            }
        }
    }

    /// Softmax cross-entropy of every row against its target column, summed over rows, with the
    /// logits replaced in place by the gradient of the *mean* over `divisor` rows:
    /// (softmax(row) − onehot(target)) / divisor.
    mutating func softmaxCrossEntropy(targets: [Int], divisor: Int) -> Double {
        let width = columns, rowCount = rows
        precondition(targets.count == rowCount, "softmaxCrossEntropy: \(targets.count) targets for \(rowCount) rows")
        let lanes = width / 8 * 8
        let scale = 1 / Float(divisor)
        var total = 0.0
        scalars.withUnsafeMutableBufferPointer { data in
            for row in 0..<rowCount {
                let x = data.baseAddress! + row * width
                let target = targets[row]
                precondition(target >= 0 && target < width, "target \(target) outside 0..<\(width)")
                var top8 = SIMD8<Float>(repeating: -.infinity)
                var i = 0
                while i < lanes { top8 = pointwiseMax(top8, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)); i += 8 }
                var top = top8.max()
                while i < width { top = Swift.max(top, x[i]); i += 1 }
                let targetLogit = x[target]
                var sum8 = SIMD8<Float>(repeating: 0)
                i = 0
                while i < lanes {
                    let e = FastMath.exp(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - top)
                    UnsafeMutableRawPointer(x + i).storeBytes(of: e, as: SIMD8<Float>.self)
                    sum8 += e
                    i += 8
                }
                var sum = sum8.sum()
                while i < width { let e = FastMath.exp(x[i] - top); x[i] = e; sum += e; i += 1 }
                total += Double(Foundation.log(sum)) + Double(top) - Double(targetLogit)
                let factor = scale / sum
                i = 0
                while i < lanes {
                    let p = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) * factor
                    UnsafeMutableRawPointer(x + i).storeBytes(of: p, as: SIMD8<Float>.self)
                    i += 8
                }
                while i < width { x[i] *= factor; i += 1 }
                x[target] -= scale
            }
        }
        return total
    }
}

extension LSTMModel {
    /// A model with PyTorch's initialisation for Gulordava et al.'s `RNNModel` (`init_weights`):
    /// embedding and decoder weights uniform in ±0.1, decoder bias 0, LSTM weights and both biases
    /// uniform in ±1/√hidden (`nn.LSTM`'s reset). - Returns: the model and its two biases per block
    /// (b_ih, b_hh), which training keeps apart as PyTorch does.
    package static func initialised(_ config: LSTMConfig, random: inout SplitMix64) -> (model: LSTMModel, biases: [(input: Tensor, recurrent: Tensor)]) {
        func uniform(_ shape: [Int], _ bound: Float) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(random.nextUnitDouble() * 2 - 1) * bound })
        }
        let embedding = uniform([config.vocabSize, config.embeddingSize], 0.1)
        let bound = 1 / Float(config.hiddenSize).squareRoot()
        var layers: [LSTMLayer] = [], biases: [(Tensor, Tensor)] = []
        for index in 0..<config.layerCount {
            let input = index == 0 ? config.embeddingSize : config.hiddenSize
            let inputWeight = uniform([4 * config.hiddenSize, input], bound)
            let recurrentWeight = uniform([4 * config.hiddenSize, config.hiddenSize], bound)
            let inputBias = uniform([4 * config.hiddenSize], bound), recurrentBias = uniform([4 * config.hiddenSize], bound)
            biases.append((inputBias, recurrentBias))
            layers.append(LSTMLayer(inputWeight: inputWeight, recurrentWeight: recurrentWeight, bias: LSTMModel.sum(inputBias, recurrentBias)))
        }
        let decoderWeight = uniform([config.vocabSize, config.hiddenSize], 0.1)
        let model = LSTMModel(config: config, embedding: embedding, layers: layers, decoderWeight: decoderWeight,
                              decoderBias: Tensor(zeros: [config.vocabSize]))
        return (model, biases)
    }

    /// b_ih + b_hh as the loader adds them, so a saved and reloaded model computes the same bits.
    package static func sum(_ a: Tensor, _ b: Tensor) -> Tensor {
        var total = a
        for k in total.scalars.indices { total.scalars[k] += b.scalars[k] }
        return total
    }

    /// The zero h and c of every block for `sequences` streams.
    public func zeroState(sequences: Int) -> [LSTMRecurrentState] {
        (0..<layerCount).map { _ in LSTMRecurrentState(zeros: sequences, width: config.hiddenSize) }
    }

    /// One pass of Gulordava et al.'s training graph over a segment (PyTorch's `word_language_model`
    /// `main.py`): embedding → dropout → each LSTM block (dropout between blocks) → dropout →
    /// decoder → full softmax cross-entropy at every row, averaged. With `computeGradients`, the
    /// backward pass gives the gradient of that mean in every weight: decoder GEMMs, each block's
    /// pullback through time (``LSTMLayer/pullback(_:input:states:batch:editPullbacks:)``) and its
    /// weight GEMMs, the embedding rows. The blocks run the model's own forward code; the initial
    /// state is a constant (truncated BPTT: `repackage_hidden` detaches it).
    ///
    /// - Parameters:
    ///   - initial: each block's h and c before the segment (``zeroState(sequences:)`` at a stream's start).
    ///   - dropout: the rate of every dropout (0 for evaluation).
    ///   - random: draws the dropout masks.
    public func trainingPass(_ segment: LSTMSegment, initial: [LSTMRecurrentState], dropout: Float, random: inout SplitMix64,
                             computeGradients: Bool, clock: inout LSTMTrainingClock?) -> LSTMTrainingPass {
        precondition(initial.count == layerCount, "training pass: \(initial.count) initial states for \(layerCount) blocks")
        precondition(dropout >= 0 && dropout < 1, "dropout rate \(dropout) outside [0, 1)")
        let batch = segment.batch
        // Forward, keeping what backward needs: each block's input and states, each dropout's mask.
        var masks: [[Float]] = []
        var inputs: [Tensor] = [], states: [LSTMLayerStates] = []
        var x = LSTMTrainingClock.time(&clock, \.embeddingAndDropout) { () -> Tensor in
            var embedded = embed(batch)
            if dropout > 0 { masks.append(embedded.applyDropout(rate: dropout, random: &random)) }
            return embedded
        }
        for index in 1...layerCount {
            inputs.append(x)
            let result = LSTMTrainingClock.time(&clock, \.recurrenceForward) {
                runLayer(index, to: x, batch: batch, edits: LSTMStepEdits(), initial: initial[index - 1])
            }
            states.append(result)
            x = LSTMTrainingClock.time(&clock, \.embeddingAndDropout) { () -> Tensor in
                var output = result.hidden
                if dropout > 0 { masks.append(output.applyDropout(rate: dropout, random: &random)) }
                return output
            }
        }
        var logits = LSTMTrainingClock.time(&clock, \.decoderAndLoss) { x.linear(weight: decoderWeight, bias: decoderBias) }
        let lossSum = LSTMTrainingClock.time(&clock, \.decoderAndLoss) {
            logits.softmaxCrossEntropy(targets: segment.targets, divisor: batch.tokenCount)
        }
        let final = states.map { $0.final(batch) }
        guard computeGradients else { return LSTMTrainingPass(lossSum: lossSum, tokenCount: batch.tokenCount, gradients: nil, final: final) }

        // Backward: `logits` now holds ∂loss/∂logits.
        let (decoderWeightGradient, decoderBiasGradient, outputGradient) = LSTMTrainingClock.time(&clock, \.decoderBackward) {
            (Self.transposedProduct(logits, x), Tensor.columnSums(logits), logits.matmul(decoderWeight))
        }
        var gradient = outputGradient
        var layerGradients: [LSTMLayerWeightGradients] = []
        for index in stride(from: layerCount, through: 1, by: -1) {
            if dropout > 0 { gradient.multiply(by: masks.removeLast()) }
            let layer = layers[index - 1]
            let pulled = LSTMTrainingClock.time(&clock, \.recurrenceBackward) {
                layer.pullback(gradient, input: inputs[index - 1], states: states[index - 1], batch: batch)
            }
            layerGradients.append(LSTMTrainingClock.time(&clock, \.weightGradients) {
                layer.weightGradients(pulled.preactivations, input: inputs[index - 1], states: states[index - 1], batch: batch)
            })
            gradient = pulled.input
        }
        if dropout > 0 { gradient.multiply(by: masks.removeLast()) }
        let embeddingGradient = LSTMTrainingClock.time(&clock, \.weightGradients) { () -> Tensor in
            let width = config.embeddingSize
            var rows = Tensor(zeros: [config.vocabSize, width])
            rows.scalars.withUnsafeMutableBufferPointer { out in
                gradient.scalars.withUnsafeBufferPointer { g in
                    for (row, id) in batch.ids.enumerated() {
                        let target = out.baseAddress! + id * width, source = g.baseAddress! + row * width
                        for k in 0..<width { target[k] += source[k] }
                    }
                }
            }
            return rows
        }
        let gradients = LSTMGradients(embedding: embeddingGradient, layers: layerGradients.reversed(),
                                      decoderWeight: decoderWeightGradient, decoderBias: decoderBiasGradient)
        return LSTMTrainingPass(lossSum: lossSum, tokenCount: batch.tokenCount, gradients: gradients, final: final)
    }

    /// Aᵀ B for A [rows, m], B [rows, n]. - Returns: [m, n]
    static func transposedProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.columns, n = b.columns, k = a.rows
        precondition(b.rows == k, "transposedProduct: \(a.shape)ᵀ · \(b.shape)")
        return Tensor(shape: [m, n]) { out in
            a.scalars.withUnsafeBufferPointer { a in
                b.scalars.withUnsafeBufferPointer { b in
                    BLAS.gemm(transposeA: true, m: m, n: n, k: k, a: a.baseAddress!, lda: m, b: b.baseAddress!, ldb: n,
                              c: out.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// p ← p − rate · g for every weight; the two biases of each block move separately (each by its
    /// own, equal, gradient) and the block's summed bias is rebuilt from them as the loader builds it.
    package mutating func descend(_ gradients: LSTMGradients, rate: Float, biases: inout [(input: Tensor, recurrent: Tensor)]) {
        func step(_ weight: inout Tensor, _ gradient: Tensor) {
            precondition(weight.shape == gradient.shape, "SGD: weight \(weight.shape) vs gradient \(gradient.shape)")
            weight.scalars.withUnsafeMutableBufferPointer { w in
                gradient.scalars.withUnsafeBufferPointer { g in
                    for i in 0..<w.count { w[i] -= rate * g[i] }
                }
            }
        }
        step(&embedding, gradients.embedding)
        for index in layers.indices {
            step(&layers[index].inputWeight, gradients.layers[index].inputWeight)
            step(&layers[index].recurrentWeight, gradients.layers[index].recurrentWeight)
            step(&biases[index].input, gradients.layers[index].bias)
            step(&biases[index].recurrent, gradients.layers[index].bias)
            layers[index].bias = Self.sum(biases[index].input, biases[index].recurrent)
        }
        step(&decoderWeight, gradients.decoderWeight)
        step(&decoderBias, gradients.decoderBias)
    }

    /// Every weight under its state-dict name (the layout `LSTMModel.load` reads), with the two biases of each block apart.
    package func stateDictionary(biases: [(input: Tensor, recurrent: Tensor)]) -> [String: Tensor] {
        var tensors = ["encoder.weight": embedding, "decoder.weight": decoderWeight, "decoder.bias": decoderBias]
        for (index, layer) in layers.enumerated() {
            tensors["rnn.weight_ih_l\(index)"] = layer.inputWeight
            tensors["rnn.weight_hh_l\(index)"] = layer.recurrentWeight
            tensors["rnn.bias_ih_l\(index)"] = biases[index].input
            tensors["rnn.bias_hh_l\(index)"] = biases[index].recurrent
        }
        return tensors
    }
}

extension LSTMGradients {
    /// Every gradient scaled by `factor` (gradient clipping).
    public mutating func scale(by factor: Float) {
        func scaled(_ tensor: inout Tensor) { for i in tensor.scalars.indices { tensor.scalars[i] *= factor } }
        scaled(&embedding); scaled(&decoderWeight); scaled(&decoderBias)
        for index in layers.indices {
            scaled(&layers[index].inputWeight); scaled(&layers[index].recurrentWeight); scaled(&layers[index].bias)
        }
    }
}
