import Foundation
import Kernels
import Support

/// Rotary position embedding tables for one base: cos and sin of `position · θ_i`, [positions, headSize / 2].
struct RotaryTable: Sendable {
    let half: Int
    let cosines: [Float], sines: [Float]

    /// NeoX pairing (dimension i with i + half), θ_i = base^(−2i / headSize) / scale, computed as
    /// transformers does: θ in float32, the angle as a float32 product, its cos and sin rounded once.
    init(base: Double, scale: Double, headSize: Int, positions: Int) {
        half = headSize / 2
        let inverse = (0..<half).map { Float(1 / pow(base, Double(2 * $0) / Double(headSize))) / Float(scale) }
        var cosines = [Float](repeating: 0, count: positions * half), sines = cosines
        for position in 0..<positions {
            for i in 0..<half {
                let angle = Double(Float(position) * inverse[i])
                cosines[position * half + i] = Float(cos(angle))
                sines[position * half + i] = Float(sin(angle))
            }
        }
        self.cosines = cosines
        self.sines = sines
    }

    /// Rotates one head vector at `position` in place.
    func rotate(_ x: UnsafeMutablePointer<Float>, position: Int) {
        let base = position * half
        for i in 0..<half {
            let c = cosines[base + i], s = sines[base + i]
            let a = x[i], b = x[i + half]
            x[i] = a * c - b * s
            x[i + half] = b * c + a * s
        }
    }
}

/// `x / sqrt(mean(x²) + ε) · w` on `count` floats in place (Gemma's RMSNorm; a GGUF's weights
/// already hold transformers' `1 + w`).
@inline(__always)
func rmsNormalize(_ x: UnsafeMutablePointer<Float>, count: Int, weight: UnsafePointer<Float>, epsilon: Float) {
    let lanes = count / 8 * 8
    var squares8 = SIMD8<Float>(repeating: 0)
    var i = 0
    while i < lanes {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        squares8 += v * v
        i += 8
    }
    var squares = squares8.sum()
    while i < count { squares += x[i] * x[i]; i += 1 }
    let inverse = 1 / (squares / Float(count) + epsilon).squareRoot()
    for j in 0..<count { x[j] = x[j] * inverse * weight[j] }
}

extension Tensor {
    /// RMSNorm of every row with one weight vector. - Parameter residual: added after the norm, when given.
    mutating func rmsNormalize(weight: Tensor, epsilon: Float, thenAdding residual: Tensor? = nil) {
        let width = columns
        precondition(weight.count == width, "rmsNormalize: width \(width) vs weight \(weight.shape)")
        precondition(residual == nil || residual!.shape == shape, "rmsNormalize: residual \(residual!.shape) vs \(shape)")
        let rowCount = rows
        weight.scalars.withUnsafeBufferPointer { w in
            scalars.withUnsafeMutableBufferPointer { data in
                for row in 0..<rowCount {
                    Models.rmsNormalize(data.baseAddress! + row * width, count: width, weight: w.baseAddress!, epsilon: epsilon)
                }
                if let residual {
                    residual.scalars.withUnsafeBufferPointer { r in
                        for i in 0..<data.count { data[i] += r[i] }
                    }
                }
            }
        }
    }
}

/// Grouped-query self-attention with per-head q/k RMSNorm, RoPE and a causal (optionally sliding) mask.
struct Gemma3Attention: Sendable {
    /// Q, K and V projections stacked: [(heads + 2·kvHeads)·headSize, hidden].
    var qkvWeight: Tensor
    /// [headSize] each.
    var queryNorm: Tensor, keyNorm: Tensor
    /// [hidden, heads·headSize]
    var outputWeight: Tensor

    /// - Parameters:
    ///   - hidden: the normalised input [tokens, hidden]
    ///   - window: nil for global attention; else a position attends to at most this many (itself included).
    /// - Returns: [tokens, hidden], before the post-attention norm
    ///   - trace: when given, receives what the pullback needs (the same computation, kept).
    func callAsFunction(_ hidden: Tensor, batch: PackedBatch, config: Gemma3Config, rotary: RotaryTable, window: Int?,
                        trace: Gemma3AttentionTrace? = nil) -> Tensor {
        let heads = config.headCount, kvHeads = config.keyValueHeadCount, size = config.headSize
        let stride = (heads + 2 * kvHeads) * size
        var qkv = StageClock.measure(.projections) { hidden.linear(weight: qkvWeight, bias: nil) }   // [tokens, stride]
        let group = heads / kvHeads
        let scale = 1 / Float(size).squareRoot()
        let longest = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        var context = Tensor(shape: [hidden.rows, heads * size]) { _ in }
        trace?.qkvBeforeNorm = qkv
        StageClock.measure(.elementwise) {
            queryNorm.scalars.withUnsafeBufferPointer { qn in
                keyNorm.scalars.withUnsafeBufferPointer { kn in
                    qkv.scalars.withUnsafeMutableBufferPointer { buffer in
                        let base = buffer.baseAddress!
                        for sequence in 0..<batch.sequenceCount {
                            for (position, row) in batch.rows(of: sequence).enumerated() {
                                let r = base + row * stride
                                for head in 0..<heads + kvHeads {
                                    let x = r + head * size
                                    rmsNormalize(x, count: size, weight: head < heads ? qn.baseAddress! : kn.baseAddress!, epsilon: config.rmsEpsilon)
                                    rotary.rotate(x, position: position)
                                }
                            }
                        }
                    }
                }
            }
        }
        StageClock.measure(.attention) {
            qkv.scalars.withUnsafeBufferPointer { qkvBuffer in
                context.scalars.withUnsafeMutableBufferPointer { contextBuffer in
                    scores.withUnsafeMutableBufferPointer { scoreBuffer in
                        let q = qkvBuffer.baseAddress!, c = contextBuffer.baseAddress!, s = scoreBuffer.baseAddress!
                        for sequence in 0..<batch.sequenceCount {
                            let rows = batch.rows(of: sequence), length = rows.count
                            for head in 0..<heads {
                                let kvHead = head / group
                                let query = q + rows.lowerBound * stride + head * size
                                let key = q + rows.lowerBound * stride + (heads + kvHead) * size
                                let value = q + rows.lowerBound * stride + (heads + kvHeads + kvHead) * size
                                BLAS.gemm(transposeB: true, m: length, n: length, k: size, alpha: scale,
                                          a: query, lda: stride, b: key, ldb: stride, c: s, ldc: length)
                                for i in 0..<length {
                                    let first = window.map { max(0, i - $0 + 1) } ?? 0
                                    let line = s + i * length
                                    for j in 0..<first { line[j] = 0 }
                                    softmaxInPlace(line + first, count: i - first + 1)
                                    for j in (i + 1)..<max(i + 1, length) { line[j] = 0 }
                                }
                                trace?.probabilities.append(Array(UnsafeBufferPointer(start: s, count: length * length)))
                                BLAS.gemm(m: length, n: size, k: length, a: s, lda: length, b: value, ldb: stride,
                                          c: c + rows.lowerBound * heads * size + head * size, ldc: heads * size)
                            }
                        }
                    }
                }
            }
        }
        if let trace {
            trace.qkv = qkv
            trace.context = context
        }
        return StageClock.measure(.projections) { context.linear(weight: outputWeight, bias: nil) }
    }
}

/// One Gemma 3 decoder block: pre- and post-norms around attention and around the GeGLU MLP.
struct Gemma3Layer: Sendable {
    var attentionNorm: Tensor, postAttentionNorm: Tensor
    var attention: Gemma3Attention
    var feedForwardNorm: Tensor, postFeedForwardNorm: Tensor
    /// Gate and up projections stacked: [2·intermediate, hidden].
    var gateUpWeight: Tensor
    /// [hidden, intermediate]
    var downWeight: Tensor

    /// The MLP's inner activation `gelu_tanh(gate(x)) · up(x)`. - Returns: [tokens, intermediate]
    ///
    /// - Parameter keep: receives the gate and up projections [tokens, 2·intermediate] (for a pullback).
    func mlpActivation(_ normalized: Tensor, gateUp keep: ((Tensor) -> Void)? = nil) -> Tensor {
        let gateUp = StageClock.measure(.projections) { normalized.linear(weight: gateUpWeight, bias: nil) }
        keep?(gateUp)
        let width = gateUpWeight.rows / 2, rowCount = gateUp.rows
        return StageClock.measure(.elementwise) { Tensor(shape: [rowCount, width]) { out in
            gateUp.scalars.withUnsafeBufferPointer { gu in
                for row in 0..<rowCount {
                    let gate = gu.baseAddress! + row * 2 * width, up = gate + width, o = out.baseAddress! + row * width
                    var i = 0
                    while i + 8 <= width {
                        let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
                        let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(o + i).storeBytes(of: TanhGELU.lanes(g) * u, as: SIMD8<Float>.self)
                        i += 8
                    }
                    while i < width { o[i] = TanhGELU.scalar(gate[i]) * up[i]; i += 1 }
                }
            }
        } }
    }

    /// - Parameters:
    ///   - hidden: the residual stream [tokens, hidden]
    ///   - editMLP: sees and may change the MLP's inner activation [tokens, intermediate]
    /// - Returns: the residual stream after the block
    ///   - trace: when given, receives what the pullback needs (the same computation, kept).
    func callAsFunction(_ hidden: Tensor, batch: PackedBatch, config: Gemma3Config, rotary: RotaryTable, window: Int?,
                        editMLP: ((inout Tensor) -> Void)? = nil, trace: Gemma3LayerTrace? = nil) -> Tensor {
        var normalized = hidden
        StageClock.measure(.elementwise) { normalized.rmsNormalize(weight: attentionNorm, epsilon: config.rmsEpsilon) }
        var attended = attention(normalized, batch: batch, config: config, rotary: rotary, window: window, trace: trace?.attention)
        trace?.attentionOutput = attended
        var mlpInput = attended
        StageClock.measure(.elementwise) {
            attended.rmsNormalize(weight: postAttentionNorm, epsilon: config.rmsEpsilon, thenAdding: hidden)
            mlpInput = attended
            mlpInput.rmsNormalize(weight: feedForwardNorm, epsilon: config.rmsEpsilon)
        }
        var inner = mlpActivation(mlpInput, gateUp: trace.map { trace in { trace.gateUp = $0 } })
        editMLP?(&inner)
        var output = StageClock.measure(.projections) { inner.linear(weight: downWeight, bias: nil) }
        if let trace {
            trace.input = hidden
            trace.attended = attended
            trace.mlpInput = mlpInput
            trace.inner = inner
            trace.down = output
        }
        StageClock.measure(.elementwise) { output.rmsNormalize(weight: postFeedForwardNorm, epsilon: config.rmsEpsilon, thenAdding: attended) }
        return output
    }
}

/// Gemma 3, a causal language model: scaled token embeddings, decoder blocks alternating sliding-
/// window (local) and global attention, a final RMSNorm and the tied output head.
///
/// Hidden state 0 is the scaled embedding; hidden state `l` is the residual stream after block `l`
/// (the final norm is part of the head, as in llama.cpp; transformers' last `hidden_states` entry is
/// that norm applied to hidden state L).
public struct Gemma3Model: Sendable {
    public let config: Gemma3Config
    /// [vocab, hidden]: the token embedding, and the output head (tied).
    let embedding: Tensor
    let layers: [Gemma3Layer]
    /// [hidden]
    let finalNorm: Tensor


    init(config: Gemma3Config, embedding: Tensor, layers: [Gemma3Layer], finalNorm: Tensor) {
        self.config = config
        self.embedding = embedding
        self.layers = layers
        self.finalNorm = finalNorm
    }

    /// The same weights under another config (tests: a window wide enough to be no window).
    func with(_ change: (inout Gemma3Config) -> Void) -> Gemma3Model {
        var config = config
        change(&config)
        return Gemma3Model(config: config, embedding: embedding, layers: layers, finalNorm: finalNorm)
    }

    /// Builds the model from weights named as in a GGUF file (`token_embd.weight`, `blk.N.attn_q.weight`, …),
    /// each a row-major float32 tensor in PyTorch layout ([out, in] for projections).
    ///
    /// - Throws: the loader's error, or `CheckpointError.wrongShape` naming the tensor.
    init(config: Gemma3Config, source: URL, weight: (String) throws -> Tensor) throws {
        let hidden = config.hiddenSize, size = config.headSize
        func load(_ name: String, _ shape: [Int]) throws -> Tensor {
            let tensor = try weight(name)
            guard tensor.shape == shape || (shape.count == 1 && tensor.count == shape[0]) else {
                throw CheckpointError.wrongShape(source, tensor: name, expected: shape, found: tensor.shape)
            }
            return tensor.reshaped(shape)
        }
        func stacked(_ parts: [Tensor]) -> Tensor {
            Tensor(shape: [parts.reduce(0) { $0 + $1.rows }, parts[0].columns], scalars: parts.flatMap(\.scalars))
        }
        self.config = config
        embedding = try load("token_embd.weight", [config.vocabularySize, hidden])
        finalNorm = try load("output_norm.weight", [hidden])
        layers = try (0..<config.layerCount).map { index in
            let prefix = "blk.\(index)."
            let attention = Gemma3Attention(
                qkvWeight: stacked([try load(prefix + "attn_q.weight", [config.headCount * size, hidden]),
                                    try load(prefix + "attn_k.weight", [config.keyValueHeadCount * size, hidden]),
                                    try load(prefix + "attn_v.weight", [config.keyValueHeadCount * size, hidden])]),
                queryNorm: try load(prefix + "attn_q_norm.weight", [size]),
                keyNorm: try load(prefix + "attn_k_norm.weight", [size]),
                outputWeight: try load(prefix + "attn_output.weight", [hidden, config.headCount * size]))
            return Gemma3Layer(
                attentionNorm: try load(prefix + "attn_norm.weight", [hidden]),
                postAttentionNorm: try load(prefix + "post_attention_norm.weight", [hidden]),
                attention: attention,
                feedForwardNorm: try load(prefix + "ffn_norm.weight", [hidden]),
                postFeedForwardNorm: try load(prefix + "post_ffw_norm.weight", [hidden]),
                gateUpWeight: stacked([try load(prefix + "ffn_gate.weight", [config.intermediateSize, hidden]),
                                       try load(prefix + "ffn_up.weight", [config.intermediateSize, hidden])]),
                downWeight: try load(prefix + "ffn_down.weight", [hidden, config.intermediateSize]))
        }
    }

    /// The names of every weight the model reads, for checking that a file holds nothing else.
    static func weightNames(layerCount: Int) -> [String] {
        ["token_embd.weight", "output_norm.weight"] + (0..<layerCount).flatMap { index in
            ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_q_norm", "attn_k_norm", "attn_output", "post_attention_norm",
             "ffn_norm", "ffn_gate", "ffn_up", "ffn_down", "post_ffw_norm"].map { "blk.\(index).\($0).weight" }
        }
    }

    /// Hidden state 0: `sqrt(hidden) ·` the token embeddings. - Returns: [tokens, hidden]
    public func embed(_ batch: PackedBatch) -> Tensor {
        let width = config.hiddenSize
        let scale = Float(width).squareRoot()
        return StageClock.measure(.embedding) { Tensor(shape: [batch.tokenCount, width]) { out in
            embedding.scalars.withUnsafeBufferPointer { e in
                for (row, id) in batch.ids.enumerated() {
                    precondition(id >= 0 && id < config.vocabularySize, "token id \(id) outside 0..<\(config.vocabularySize)")
                    for i in 0..<width { out[row * width + i] = e[id * width + i] * scale }
                }
            }
        } }
    }

    /// Runs block `index` (1-based, as hidden-state numbering) on hidden state `index − 1`; `mlp`
    /// sees and may change the GeGLU activation `gelu_tanh(gate) · up` [tokens, intermediate].
    public func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, mlp: ((inout Tensor) -> Void)? = nil) -> Tensor {
        applyLayer(index, to: hidden, batch: batch, mlp: mlp, trace: nil)
    }

    /// ``applyLayer(_:to:batch:mlp:)``, keeping what the pullback needs in `trace`.
    func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, mlp: ((inout Tensor) -> Void)?, trace: Gemma3LayerTrace?) -> Tensor {
        precondition(index >= 1 && index <= layers.count, "layer \(index) outside 1...\(layers.count)")
        let global = config.isGlobal(layer: index - 1)
        let longest = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }.max() ?? 0
        let rotary = global
            ? RotaryTable(base: config.globalRopeBase, scale: config.globalRopeScale, headSize: config.headSize, positions: longest)
            : RotaryTable(base: config.localRopeBase, scale: 1, headSize: config.headSize, positions: longest)
        return layers[index - 1](hidden, batch: batch, config: config, rotary: rotary,
                                 window: global ? nil : config.slidingWindow, editMLP: mlp, trace: trace)
    }

    /// Next-token logits for chosen rows of the last hidden state, over chosen vocabulary entries
    /// (all when nil): final RMSNorm, then dot products with the tied embedding's rows.
    ///
    /// - Returns: [rows, vocabulary.count or vocab]
    public func logits(_ lastHidden: Tensor, rows: [Int]? = nil, vocabulary: [Int]? = nil) -> Tensor? {
        var selected = rows.map { lastHidden.selectingRows($0) } ?? lastHidden
        selected.rmsNormalize(weight: finalNorm, epsilon: config.rmsEpsilon)
        let head = vocabulary.map { embedding.selectingRows($0) } ?? embedding
        var logits = selected.linear(weight: head, bias: nil)
        if let cap = config.finalLogitSoftcap {
            for i in logits.scalars.indices { logits.scalars[i] = cap * tanh(logits.scalars[i] / cap) }
        }
        return logits
    }
}

extension Gemma3Model: LanguageModel {
    public var architecture: String { "gemma3" }
    public var summary: String { "gemma3, \(layers.count) × \(config.hiddenSize), causal LM with tied head (GGUF)" }
    public var hiddenSize: Int { config.hiddenSize }
    public var mlpSize: Int { config.intermediateSize }
    public var layerCount: Int { layers.count }
    public var maxSequenceLength: Int { config.contextLength }
    public var vocabularySize: Int { config.vocabularySize }
    public var objective: PredictionObjective { .nextToken }
    public var hasOutputHead: Bool { true }
    public var tokenEmbeddings: Tensor { embedding }
    public var normEpsilon: Float { config.rmsEpsilon }
}
