import Foundation
import Kernels

/// What an encoder block's pullback needs from its forward pass (filled by the forward pass itself).
final class EncoderLayerTrace {
    /// The block's input (the residual of the first LayerNorm). [tokens, hidden]
    var input = Tensor(zeros: [0])
    /// Q, K, V after their biases. [tokens, 3·hidden]
    var qkv = Tensor(zeros: [0])
    /// Softmax probabilities, one [length × length] block per (sequence, head), in that order.
    var probabilities: [[Float]] = []
    /// The attention output projection before its bias, the residual and the first LayerNorm. [tokens, hidden]
    var attentionProjection = Tensor(zeros: [0])
    /// The first LayerNorm's output (the MLP's input and the second LayerNorm's residual). [tokens, hidden]
    var attended = Tensor(zeros: [0])
    /// The MLP's first product before its bias and GELU. [tokens, intermediate]
    var intermediateProjection = Tensor(zeros: [0])
    /// The MLP's second product before its bias, the residual and the second LayerNorm. [tokens, hidden]
    var outputProjection = Tensor(zeros: [0])
}

/// What the masked-LM head's pullback needs from its forward pass.
final class MaskedLMHeadTrace {
    /// The dense product before its bias and GELU, and the GELU's output (the LayerNorm's input). [rows, hidden]
    var denseProjection = Tensor(zeros: [0]), activated = Tensor(zeros: [0])
}

/// `x + bias[column] (+ residual)` of every row, each sum in the order the fused forward kernels
/// (`layerNormalize(addingRowBias:residual:…)`, `applyGELU(addingRowBias:)`) add them, so the
/// result is the value they normalised or activated.
func addingRowBias(_ x: Tensor, _ bias: Tensor, residual: Tensor? = nil) -> Tensor {
    let width = x.columns
    precondition(bias.count == width && (residual == nil || residual!.shape == x.shape),
                 "addingRowBias: \(x.shape), bias \(bias.shape), residual \(residual?.shape ?? [])")
    var sum = x
    sum.scalars.withUnsafeMutableBufferPointer { s in
        bias.scalars.withUnsafeBufferPointer { b in
            for row in 0..<x.rows {
                for j in 0..<width { s[row * width + j] += b[j] }
            }
        }
    }
    if let residual { sum.add(residual) }
    return sum
}

/// The gradient of LayerNorm's input from the gradient of its output, row by row (γ frozen):
/// `∂x = r (γ⊙g − mean(γ⊙g) − x̂ · mean(γ⊙g ⊙ x̂))` with `x̂ = (x − μ) r`, `r = (var(x) + ε)^(−1/2)`.
/// - Parameter input: LayerNorm's input (before normalisation). [rows, width]
func layerNormPullback(input: Tensor, gamma: Tensor, epsilon: Float, gradient: Tensor) -> Tensor {
    let width = input.columns, rowCount = input.rows
    precondition(gradient.shape == input.shape && gamma.count == width, "layerNormPullback: \(input.shape), \(gradient.shape), \(gamma.shape)")
    return Tensor(shape: input.shape) { out in
        input.scalars.withUnsafeBufferPointer { x in
            gradient.scalars.withUnsafeBufferPointer { g in
                gamma.scalars.withUnsafeBufferPointer { w in
                    for row in 0..<rowCount {
                        let base = row * width
                        var sum: Double = 0
                        for i in 0..<width { sum += Double(x[base + i]) }
                        let mean = sum / Double(width)
                        var squares: Double = 0
                        for i in 0..<width { let d = Double(x[base + i]) - mean; squares += d * d }
                        let r = 1 / (squares / Double(width) + Double(epsilon)).squareRoot()
                        var meanScaled: Double = 0, meanProjected: Double = 0
                        for i in 0..<width {
                            let scaled = Double(w[i]) * Double(g[base + i])
                            meanScaled += scaled
                            meanProjected += scaled * (Double(x[base + i]) - mean) * r
                        }
                        meanScaled /= Double(width)
                        meanProjected /= Double(width)
                        for i in 0..<width {
                            let normalized = (Double(x[base + i]) - mean) * r
                            out[base + i] = Float(r * (Double(w[i]) * Double(g[base + i]) - meanScaled - normalized * meanProjected))
                        }
                    }
                }
            }
        }
    }
}

/// d/dx of exact GELU `x Φ(x)`: `Φ(x) + x φ(x)`.
@inline(__always)
func exactGELUDerivative(_ x: Float) -> Float {
    let v = Double(x)
    return Float(0.5 * (1 + erf(v * 0.707_106_781_186_547_6)) + v * exp(-0.5 * v * v) * 0.398_942_280_401_432_7)
}

/// `gradient ⊙ GELU′(preActivation)`, element by element (exact or tanh GELU).
func geluPullback(preActivation: Tensor, gradient: Tensor, tanh: Bool) -> Tensor {
    precondition(preActivation.shape == gradient.shape, "geluPullback: \(preActivation.shape) vs \(gradient.shape)")
    var result = gradient
    preActivation.scalars.withUnsafeBufferPointer { x in
        result.scalars.withUnsafeMutableBufferPointer { g in
            if tanh {
                for i in g.indices { g[i] *= tanhGELUDerivative(x[i]) }
            } else {
                for i in g.indices { g[i] *= exactGELUDerivative(x[i]) }
            }
        }
    }
    return result
}

extension EncoderLayer {
    /// The gradient of the first LayerNorm's output from the gradient of the block's output,
    /// through the second LayerNorm's residual and (with the gradient at the MLP's inner activation,
    /// which `innerPullback` gives) through the MLP.
    func innerPullback(_ gradient: Tensor, trace: EncoderLayerTrace, epsilon: Float) -> (outputNorm: Tensor, inner: Tensor) {
        let preNorm = addingRowBias(trace.outputProjection, outputBias, residual: trace.attended)
        let outputNormGradient = layerNormPullback(input: preNorm, gamma: outputNormWeight, epsilon: epsilon, gradient: gradient)
        return (outputNormGradient, outputNormGradient.matmul(outputWeight))
    }

    /// Bidirectional multi-head attention's pullback: from the gradient of its context [tokens,
    /// hidden] (before the output projection) to the gradient of Q, K, V [tokens, 3·hidden], each
    /// sequence's softmax over its own tokens.
    func attentionPullback(_ contextGradient: Tensor, trace: EncoderLayerTrace, batch: PackedBatch, headCount: Int) -> Tensor {
        let width = contextGradient.columns, size = width / headCount, stride = 3 * width
        let scale = 1 / Float(size).squareRoot()
        var qkvGradient = Tensor(zeros: [contextGradient.rows, stride])
        let longest = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }.max() ?? 0
        var probabilityGradient = [Float](repeating: 0, count: longest * longest)
        precondition(trace.probabilities.count == batch.sequenceCount * headCount,
                     "attentionPullback: \(trace.probabilities.count) traced heads for \(batch.sequenceCount) sequences × \(headCount) heads")
        trace.qkv.scalars.withUnsafeBufferPointer { qkvBuffer in
            contextGradient.scalars.withUnsafeBufferPointer { gcBuffer in
                qkvGradient.scalars.withUnsafeMutableBufferPointer { gqBuffer in
                    probabilityGradient.withUnsafeMutableBufferPointer { gpBuffer in
                        let q = qkvBuffer.baseAddress!, gc = gcBuffer.baseAddress!, gq = gqBuffer.baseAddress!, gp = gpBuffer.baseAddress!
                        var block = 0
                        for sequence in 0..<batch.sequenceCount {
                            let rows = batch.rows(of: sequence), length = rows.count, first = rows.lowerBound
                            for head in 0..<headCount {
                                let queryOffset = head * size, keyOffset = width + head * size, valueOffset = 2 * width + head * size
                                let gContext = gc + first * width + head * size
                                trace.probabilities[block].withUnsafeBufferPointer { pBuffer in
                                    let p = pBuffer.baseAddress!
                                    // ∂P = ∂C · Vᵀ; ∂V = Pᵀ · ∂C
                                    BLAS.gemm(transposeB: true, m: length, n: length, k: size, a: gContext, lda: width,
                                              b: q + first * stride + valueOffset, ldb: stride, c: gp, ldc: length)
                                    BLAS.gemm(transposeA: true, m: length, n: size, k: length, a: p, lda: length, b: gContext, ldb: width,
                                              c: gq + first * stride + valueOffset, ldc: stride)
                                    // ∂S = P ⊙ (∂P − rowsum(∂P ⊙ P)), in place in gp (every key of the sequence)
                                    for i in 0..<length {
                                        let pLine = p + i * length, gLine = gp + i * length
                                        var dot: Float = 0
                                        for j in 0..<length { dot += pLine[j] * gLine[j] }
                                        for j in 0..<length { gLine[j] = pLine[j] * (gLine[j] - dot) }
                                    }
                                    // ∂Q = scale ∂S K; ∂K = scale ∂Sᵀ Q
                                    BLAS.gemm(m: length, n: size, k: length, alpha: scale, a: gp, lda: length,
                                              b: q + first * stride + keyOffset, ldb: stride, c: gq + first * stride + queryOffset, ldc: stride)
                                    BLAS.gemm(transposeA: true, m: length, n: size, k: length, alpha: scale, a: gp, lda: length,
                                              b: q + first * stride + queryOffset, ldb: stride, c: gq + first * stride + keyOffset, ldc: stride)
                                }
                                block += 1
                            }
                        }
                    }
                }
            }
        }
        return qkvGradient
    }

    /// The gradient of the block's input from the gradient of its output (weights frozen).
    func inputPullback(_ gradient: Tensor, trace: EncoderLayerTrace, batch: PackedBatch, headCount: Int, epsilon: Float,
                       tanhGELU: Bool) -> Tensor {
        let (outputNormGradient, innerGradient) = innerPullback(gradient, trace: trace, epsilon: epsilon)
        let preActivation = addingRowBias(trace.intermediateProjection, intermediateBias)
        // ∂attended: the residual of the second LayerNorm plus the path through the MLP.
        var attendedGradient = geluPullback(preActivation: preActivation, gradient: innerGradient, tanh: tanhGELU)
            .matmul(intermediateWeight)
        attendedGradient.add(outputNormGradient)
        let preNorm = addingRowBias(trace.attentionProjection, attentionOutBias, residual: trace.input)
        let attentionNormGradient = layerNormPullback(input: preNorm, gamma: attentionNormWeight, epsilon: epsilon, gradient: attendedGradient)
        // ∂input: the residual of the first LayerNorm plus the path through attention.
        let contextGradient = attentionNormGradient.matmul(attentionOutWeight)
        var inputGradient = attentionPullback(contextGradient, trace: trace, batch: batch, headCount: headCount).matmul(qkvWeight)
        inputGradient.add(attentionNormGradient)
        return inputGradient
    }
}

extension TransformerEncoder: DifferentiableLanguageModel {
    public func applyLayerWithPullback(_ index: Int, to hidden: Tensor, batch: PackedBatch,
                                       mlp: ((inout Tensor) -> Void)?) -> (output: Tensor, pullback: LayerPullback) {
        let trace = EncoderLayerTrace()
        let output = applyLayer(index, to: hidden, batch: batch, mlp: mlp, trace: trace)
        let layer = layers[index - 1], headCount = config.headCount, epsilon = config.layerNormEpsilon, tanh = usesTanhGELU
        return (output, LayerPullback(
            toInput: { layer.inputPullback($0, trace: trace, batch: batch, headCount: headCount, epsilon: epsilon, tanhGELU: tanh) },
            toMLP: { layer.innerPullback($0, trace: trace, epsilon: epsilon).inner }))
    }

    /// The masked-LM head's logits and pullback: through the tied decoder (the chosen vocabulary
    /// rows), the head's LayerNorm, GELU and dense layer, back to the chosen rows of the last state.
    /// - Precondition: the encoder has a masked-LM head (`hasOutputHead`; MiniLM checkpoints have
    ///   none, and a gradient of logits needs one).
    public func logitsWithPullback(_ lastHidden: Tensor, rows: [Int], vocabulary: [Int]?) -> (logits: Tensor, pullback: (Tensor) -> Tensor) {
        let trace = MaskedLMHeadTrace()
        guard let head, let full = maskedLMLogits(lastHidden, rows: rows, trace: trace) else {
            preconditionFailure("logitsWithPullback: \(summary) has no masked-LM head; gradients of logits need one")
        }
        let logits = vocabulary.map { full.selectingColumns($0) } ?? full
        let decoder = vocabulary.map { head.decoderWeight.selectingRows($0) } ?? head.decoderWeight
        let epsilon = config.layerNormEpsilon, tanh = usesTanhGELU
        let tokenCount = lastHidden.rows, width = lastHidden.columns
        return (logits, { gradient in
            precondition(gradient.shape == logits.shape, "logitsWithPullback: gradient \(gradient.shape) for logits \(logits.shape)")
            let normGradient = layerNormPullback(input: trace.activated, gamma: head.normWeight, epsilon: epsilon,
                                                 gradient: gradient.matmul(decoder))
            let preActivation = addingRowBias(trace.denseProjection, head.denseBias)
            let selectedGradient = geluPullback(preActivation: preActivation, gradient: normGradient, tanh: tanh).matmul(head.denseWeight)
            var hiddenGradient = Tensor(zeros: [tokenCount, width])
            for (index, row) in rows.enumerated() {
                for j in 0..<width { hiddenGradient.scalars[row * width + j] += selectedGradient.scalars[index * width + j] }
            }
            return hiddenGradient
        })
    }
}
