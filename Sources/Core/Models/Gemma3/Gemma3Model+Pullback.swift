import Foundation
import Kernels

/// What attention's pullback needs from its forward pass (filled by the forward pass itself).
final class Gemma3AttentionTrace {
    /// Q, K, V projections before the q/k norms and RoPE, and after them. [tokens, stride]
    var qkvBeforeNorm = Tensor(zeros: [0]), qkv = Tensor(zeros: [0])
    /// Softmax probabilities, one [length × length] block per (sequence, head), in that order.
    var probabilities: [[Float]] = []
    /// The heads' outputs before the output projection. [tokens, heads·headSize]
    var context = Tensor(zeros: [0])
}

/// What a block's pullback needs from its forward pass.
final class Gemma3LayerTrace {
    let attention = Gemma3AttentionTrace()
    var input = Tensor(zeros: [0])
    /// Attention's output before the post-attention norm, and the residual stream after it.
    var attentionOutput = Tensor(zeros: [0]), attended = Tensor(zeros: [0])
    /// The MLP's normalised input, its gate/up projections, its inner activation (after any edit)
    /// and the down projection before the post-FFN norm.
    var mlpInput = Tensor(zeros: [0]), gateUp = Tensor(zeros: [0]), inner = Tensor(zeros: [0]), down = Tensor(zeros: [0])
    var rotary: RotaryTable?
    var window: Int?
}

/// The gradient of RMSNorm's input from the gradient of its output, row by row:
/// `∂x_j = r w_j g_j − r³/n · x_j Σ_i g_i w_i x_i` with `r = (mean(x²) + ε)^(−1/2)`.
func rmsNormPullback(input: Tensor, weight: Tensor, epsilon: Float, gradient: Tensor) -> Tensor {
    let width = input.columns, rowCount = input.rows
    precondition(gradient.shape == input.shape && weight.count == width, "rmsNormPullback: \(input.shape), \(gradient.shape), \(weight.shape)")
    return Tensor(shape: input.shape) { out in
        input.scalars.withUnsafeBufferPointer { x in
            gradient.scalars.withUnsafeBufferPointer { g in
                weight.scalars.withUnsafeBufferPointer { w in
                    for row in 0..<rowCount {
                        rmsNormPullbackRow(x.baseAddress! + row * width, w.baseAddress!, g.baseAddress! + row * width,
                                           out.baseAddress! + row * width, count: width, epsilon: epsilon)
                    }
                }
            }
        }
    }
}

@inline(__always)
func rmsNormPullbackRow(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                        count: Int, epsilon: Float) {
    var squares: Double = 0, dot: Double = 0
    for i in 0..<count {
        squares += Double(x[i]) * Double(x[i])
        dot += Double(g[i]) * Double(w[i]) * Double(x[i])
    }
    let r = 1 / (squares / Double(count) + Double(epsilon)).squareRoot()
    let correction = r * r * r / Double(count) * dot
    for j in 0..<count { out[j] = Float(r * Double(w[j]) * Double(g[j]) - correction * Double(x[j])) }
}

/// d/dx of `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
@inline(__always)
func tanhGELUDerivative(_ x: Float) -> Float {
    let c: Float = 0.797_884_560_802_865_4
    let t = tanh(c * (x + 0.044_715 * x * x * x))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044_715 * x * x)
}

extension Gemma3Attention {
    /// The gradient of the normalised input from the gradient of attention's output (before the
    /// post-attention norm), weights frozen. - Returns: [tokens, hidden]
    func pullback(_ gradient: Tensor, trace: Gemma3AttentionTrace, batch: PackedBatch, config: Gemma3Config, rotary: RotaryTable) -> Tensor {
        let heads = config.headCount, kvHeads = config.keyValueHeadCount, size = config.headSize
        let stride = (heads + 2 * kvHeads) * size, group = heads / kvHeads
        let scale = 1 / Float(size).squareRoot()
        let contextGradient = gradient.matmul(outputWeight)   // [tokens, heads·size]
        var qkvGradient = Tensor(zeros: [gradient.rows, stride])
        let longest = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }.max() ?? 0
        var probabilityGradient = [Float](repeating: 0, count: longest * longest)
        trace.qkv.scalars.withUnsafeBufferPointer { qkvBuffer in
            contextGradient.scalars.withUnsafeBufferPointer { gcBuffer in
                qkvGradient.scalars.withUnsafeMutableBufferPointer { gqBuffer in
                    probabilityGradient.withUnsafeMutableBufferPointer { gpBuffer in
                        let q = qkvBuffer.baseAddress!, gc = gcBuffer.baseAddress!, gq = gqBuffer.baseAddress!, gp = gpBuffer.baseAddress!
                        var block = 0
                        for sequence in 0..<batch.sequenceCount {
                            let rows = batch.rows(of: sequence), length = rows.count, first = rows.lowerBound
                            for head in 0..<heads {
                                let kvHead = head / group
                                let queryOffset = head * size, keyOffset = (heads + kvHead) * size, valueOffset = (heads + kvHeads + kvHead) * size
                                let gContext = gc + first * heads * size + head * size
                                trace.probabilities[block].withUnsafeBufferPointer { pBuffer in
                                    let p = pBuffer.baseAddress!
                                    // ∂P = ∂C · Vᵀ; ∂V += Pᵀ · ∂C
                                    BLAS.gemm(transposeB: true, m: length, n: length, k: size, a: gContext, lda: heads * size,
                                              b: q + first * stride + valueOffset, ldb: stride, c: gp, ldc: length)
                                    BLAS.gemm(transposeA: true, m: length, n: size, k: length, a: p, lda: length, b: gContext, ldb: heads * size,
                                              beta: 1, c: gq + first * stride + valueOffset, ldc: stride)
                                    // ∂S = P ⊙ (∂P − rowsum(∂P ⊙ P)), in place in gp
                                    for i in 0..<length {
                                        let pLine = p + i * length, gLine = gp + i * length
                                        var dot: Float = 0
                                        for j in 0...i { dot += pLine[j] * gLine[j] }
                                        for j in 0..<length { gLine[j] = pLine[j] * (gLine[j] - dot) }
                                    }
                                    // ∂Q = scale ∂S K; ∂K += scale ∂Sᵀ Q
                                    BLAS.gemm(m: length, n: size, k: length, alpha: scale, a: gp, lda: length,
                                              b: q + first * stride + keyOffset, ldb: stride, beta: 1, c: gq + first * stride + queryOffset, ldc: stride)
                                    BLAS.gemm(transposeA: true, m: length, n: size, k: length, alpha: scale, a: gp, lda: length,
                                              b: q + first * stride + queryOffset, ldb: stride, beta: 1, c: gq + first * stride + keyOffset, ldc: stride)
                                }
                                block += 1
                            }
                        }
                    }
                }
            }
        }
        // Through RoPE (the transposed rotation) and the per-head q/k norms.
        var headGradient = [Float](repeating: 0, count: size)
        trace.qkvBeforeNorm.scalars.withUnsafeBufferPointer { raw in
            qkvGradient.scalars.withUnsafeMutableBufferPointer { gq in
                queryNorm.scalars.withUnsafeBufferPointer { qn in
                    keyNorm.scalars.withUnsafeBufferPointer { kn in
                        headGradient.withUnsafeMutableBufferPointer { hg in
                            for sequence in 0..<batch.sequenceCount {
                                for (position, row) in batch.rows(of: sequence).enumerated() {
                                    for head in 0..<heads + kvHeads {
                                        let g = gq.baseAddress! + row * stride + head * size
                                        rotary.rotateBack(g, position: position)
                                        rmsNormPullbackRow(raw.baseAddress! + row * stride + head * size, head < heads ? qn.baseAddress! : kn.baseAddress!,
                                                           g, hg.baseAddress!, count: size, epsilon: config.rmsEpsilon)
                                        g.update(from: hg.baseAddress!, count: size)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return qkvGradient.matmul(qkvWeight)
    }
}

extension RotaryTable {
    /// The transposed rotation (by −angle) of one head vector's gradient at `position`, in place.
    func rotateBack(_ x: UnsafeMutablePointer<Float>, position: Int) {
        let base = position * half
        for i in 0..<half {
            let c = cosines[base + i], s = sines[base + i]
            let a = x[i], b = x[i + half]
            x[i] = a * c + b * s
            x[i + half] = b * c - a * s
        }
    }
}

extension Gemma3Layer {
    /// The gradient of the MLP's inner activation from the gradient of the block's output.
    func innerPullback(_ gradient: Tensor, trace: Gemma3LayerTrace, config: Gemma3Config) -> Tensor {
        rmsNormPullback(input: trace.down, weight: postFeedForwardNorm, epsilon: config.rmsEpsilon, gradient: gradient).matmul(downWeight)
    }

    /// The gradient of the block's input from the gradient of its output (weights frozen).
    func inputPullback(_ gradient: Tensor, trace: Gemma3LayerTrace, batch: PackedBatch, config: Gemma3Config) -> Tensor {
        let innerGradient = innerPullback(gradient, trace: trace, config: config)
        let width = innerGradient.columns, rowCount = innerGradient.rows
        // Through gelu_tanh(gate) · up.
        let gateUpGradient = Tensor(shape: [rowCount, 2 * width]) { out in
            trace.gateUp.scalars.withUnsafeBufferPointer { gu in
                innerGradient.scalars.withUnsafeBufferPointer { gi in
                    // Eight units at a time, one tanh for the activation and its derivative (as the forward's TanhGELU).
                    let c: Float = 0.797_884_560_802_865_4
                    for row in 0..<rowCount {
                        let gates = gu.baseAddress! + row * 2 * width, ups = gates + width, gs = gi.baseAddress! + row * width
                        let gateOut = out.baseAddress! + row * 2 * width, upOut = gateOut + width
                        var i = 0
                        while i + 8 <= width {
                            let x = UnsafeRawPointer(gates + i).loadUnaligned(as: SIMD8<Float>.self)
                            let up = UnsafeRawPointer(ups + i).loadUnaligned(as: SIMD8<Float>.self)
                            let g = UnsafeRawPointer(gs + i).loadUnaligned(as: SIMD8<Float>.self)
                            let half = SIMD8<Float>(repeating: 0.5), one = SIMD8<Float>(repeating: 1), slope = SIMD8<Float>(repeating: c)
                            let cubic = SIMD8<Float>(repeating: 0.044_715), square: SIMD8<Float> = x * x
                            let inner: SIMD8<Float> = slope * (x + cubic * square * x)
                            let exponential: SIMD8<Float> = FastMath.exp(2 * inner)
                            let t: SIMD8<Float> = one - 2 / (exponential + one)
                            let outer: SIMD8<Float> = half * x * (one - t * t) * slope
                            let correction: SIMD8<Float> = one + 3 * cubic * square
                            let derivative: SIMD8<Float> = half * (one + t) + outer * correction
                            let activation: SIMD8<Float> = half * x * (one + t)
                            let gateGradient: SIMD8<Float> = g * up * derivative
                            let upGradient: SIMD8<Float> = g * activation
                            UnsafeMutableRawPointer(gateOut + i).storeBytes(of: gateGradient, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(upOut + i).storeBytes(of: upGradient, as: SIMD8<Float>.self)
                            i += 8
                        }
                        while i < width {
                            let gate = gates[i], up = ups[i], g = gs[i]
                            gateOut[i] = g * up * tanhGELUDerivative(gate)
                            upOut[i] = g * TanhGELU.scalar(gate)
                            i += 1
                        }
                    }
                }
            }
        }
        var attendedGradient = gradient
        let fromMLP = rmsNormPullback(input: trace.attended, weight: feedForwardNorm, epsilon: config.rmsEpsilon,
                                      gradient: gateUpGradient.matmul(gateUpWeight))
        for i in attendedGradient.scalars.indices { attendedGradient.scalars[i] += fromMLP.scalars[i] }
        let attentionGradient = rmsNormPullback(input: trace.attentionOutput, weight: postAttentionNorm, epsilon: config.rmsEpsilon,
                                                gradient: attendedGradient)
        let normalizedGradient = attention.pullback(attentionGradient, trace: trace.attention, batch: batch, config: config, rotary: trace.rotary!)
        let fromAttention = rmsNormPullback(input: trace.input, weight: attentionNorm, epsilon: config.rmsEpsilon, gradient: normalizedGradient)
        for i in attendedGradient.scalars.indices { attendedGradient.scalars[i] += fromAttention.scalars[i] }
        return attendedGradient
    }
}

extension Gemma3Model: DifferentiableLanguageModel {
    public func applyLayerWithPullback(_ index: Int, to hidden: Tensor, batch: PackedBatch,
                                       mlp: ((inout Tensor) -> Void)?) -> (output: Tensor, pullback: LayerPullback) {
        let trace = Gemma3LayerTrace()
        let global = config.isGlobal(layer: index - 1)
        let longest = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }.max() ?? 0
        trace.rotary = global
            ? RotaryTable(base: config.globalRopeBase, scale: config.globalRopeScale, headSize: config.headSize, positions: longest)
            : RotaryTable(base: config.localRopeBase, scale: 1, headSize: config.headSize, positions: longest)
        let output = applyLayer(index, to: hidden, batch: batch, mlp: mlp, trace: trace)
        let layer = layers[index - 1], config = config
        return (output, LayerPullback(
            toInput: { layer.inputPullback($0, trace: trace, batch: batch, config: config) },
            toMLP: { layer.innerPullback($0, trace: trace, config: config) }))
    }

    public func logitsWithPullback(_ lastHidden: Tensor, rows: [Int], vocabulary: [Int]?) -> (logits: Tensor, pullback: (Tensor) -> Tensor) {
        let logits = self.logits(lastHidden, rows: rows, vocabulary: vocabulary)!
        let selected = lastHidden.selectingRows(rows)
        let head = vocabulary.map { embedding.selectingRows($0) } ?? embedding
        let cap = config.finalLogitSoftcap, finalNorm = finalNorm, epsilon = config.rmsEpsilon
        let tokenCount = lastHidden.rows, width = lastHidden.columns
        return (logits, { gradient in
            var logitGradient = gradient
            if let cap {
                for i in logitGradient.scalars.indices {
                    let t = logits.scalars[i] / cap
                    logitGradient.scalars[i] *= 1 - t * t
                }
            }
            let selectedGradient = rmsNormPullback(input: selected, weight: finalNorm, epsilon: epsilon, gradient: logitGradient.matmul(head))
            var hiddenGradient = Tensor(zeros: [tokenCount, width])
            for (index, row) in rows.enumerated() {
                for j in 0..<width { hiddenGradient.scalars[row * width + j] += selectedGradient.scalars[index * width + j] }
            }
            return hiddenGradient
        })
    }
}
