import Foundation
import Kernels

/// Token, position and segment embeddings followed by LayerNorm.
struct Embeddings: Sendable {
    /// [vocab, hidden]
    var words: Tensor
    /// [positions, hidden]
    var positions: Tensor
    /// [types, hidden]; every input uses type 0.
    var tokenTypes: Tensor
    var normWeight: Tensor, normBias: Tensor
    /// Position id of the first token: 0 for BERT, padding_idx + 1 for RoBERTa.
    var firstPosition: Int

    /// - Returns: [tokens, hidden]
    func callAsFunction(_ batch: PackedBatch, epsilon: Float) -> Tensor {
        let width = words.columns
        var output = Tensor(shape: [batch.tokenCount, width]) { out in
            words.scalars.withUnsafeBufferPointer { w in
                positions.scalars.withUnsafeBufferPointer { p in
                    tokenTypes.scalars.withUnsafeBufferPointer { t in
                        for sequence in 0..<batch.sequenceCount {
                            for (offset, row) in batch.rows(of: sequence).enumerated() {
                                let id = batch.ids[row], position = firstPosition + offset
                                // Ids are checked against the rows once per tokenizer pairing (ModelSource.load).
                                precondition(id >= 0 && id < words.rows, "token id \(id) outside 0..<\(words.rows)")
                                for i in 0..<width {
                                    out[row * width + i] = w[id * width + i] + p[position * width + i] + t[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        output.layerNormalize(gamma: normWeight, beta: normBias, epsilon: epsilon)
        return output
    }
}

/// One Transformer encoder block (post-LayerNorm, as in BERT).
struct EncoderLayer: Sendable {
    /// Query, key and value projections stacked: [3·hidden, hidden] and [3·hidden].
    var qkvWeight: Tensor, qkvBias: Tensor
    var attentionOutWeight: Tensor, attentionOutBias: Tensor
    var attentionNormWeight: Tensor, attentionNormBias: Tensor
    var intermediateWeight: Tensor, intermediateBias: Tensor
    var outputWeight: Tensor, outputBias: Tensor
    var outputNormWeight: Tensor, outputNormBias: Tensor

    /// - Parameters:
    ///   - hidden: [tokens, hidden] → [tokens, hidden]
    ///   - mlp: sees and may change the MLP's inner activation (after GELU) [tokens, intermediate].
    ///   - trace: when given, receives what the pullback needs (the same computation, kept).
    func callAsFunction(_ hidden: Tensor, batch: PackedBatch, headCount: Int, epsilon: Float, tanhGELU: Bool,
                        mlp: ((inout Tensor) -> Void)? = nil, trace: EncoderLayerTrace? = nil) -> Tensor {
        let width = hidden.columns, headSize = width / headCount
        let qkv = hidden.linear(weight: qkvWeight, bias: qkvBias)   // [tokens, 3·hidden]
        let scale = 1 / Float(headSize).squareRoot()
        let longest = (0..<batch.sequenceCount).map { batch.rows(of: $0).count }.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        // Every head of every sequence writes its own columns (β = 0), so no zero-fill is needed.
        var context = Tensor(shape: [hidden.rows, width]) { _ in }
        qkv.scalars.withUnsafeBufferPointer { qkvBuffer in
            context.scalars.withUnsafeMutableBufferPointer { contextBuffer in
                scores.withUnsafeMutableBufferPointer { scoreBuffer in
                    let q = qkvBuffer.baseAddress!, c = contextBuffer.baseAddress!, s = scoreBuffer.baseAddress!
                    for sequence in 0..<batch.sequenceCount {
                        let rows = batch.rows(of: sequence), length = rows.count
                        for head in 0..<headCount {
                            let query = q + rows.lowerBound * 3 * width + head * headSize
                            let key = query + width, value = query + 2 * width
                            BLAS.gemm(transposeB: true, m: length, n: length, k: headSize, alpha: scale,
                                      a: query, lda: 3 * width, b: key, ldb: 3 * width, c: s, ldc: length)
                            for row in 0..<length { softmaxInPlace(s + row * length, count: length) }
                            trace?.probabilities.append(Array(UnsafeBufferPointer(start: s, count: length * length)))
                            BLAS.gemm(m: length, n: headSize, k: length,
                                      a: s, lda: length, b: value, ldb: 3 * width,
                                      c: c + rows.lowerBound * width + head * headSize, ldc: width)
                        }
                    }
                }
            }
        }
        // Biases, residuals and activations are applied in the pass after each product.
        var attended = context.linear(weight: attentionOutWeight, bias: nil)
        if let trace {
            trace.qkv = qkv
            trace.input = hidden
            trace.attentionProjection = attended
        }
        attended.layerNormalize(addingRowBias: attentionOutBias, residual: hidden,
                                gamma: attentionNormWeight, beta: attentionNormBias, epsilon: epsilon)
        var intermediate = attended.linear(weight: intermediateWeight, bias: nil)
        trace?.intermediateProjection = intermediate
        if tanhGELU { intermediate.applyTanhGELU(addingRowBias: intermediateBias) } else { intermediate.applyGELU(addingRowBias: intermediateBias) }
        mlp?(&intermediate)
        var output = intermediate.linear(weight: outputWeight, bias: nil)
        if let trace {
            trace.attended = attended
            trace.outputProjection = output
        }
        output.layerNormalize(addingRowBias: outputBias, residual: attended,
                              gamma: outputNormWeight, beta: outputNormBias, epsilon: epsilon)
        return output
    }
}

/// The masked-LM head: dense + GELU + LayerNorm, then the (usually tied) decoder to the vocabulary.
struct MaskedLMHead: Sendable {
    var denseWeight: Tensor, denseBias: Tensor
    var normWeight: Tensor, normBias: Tensor
    /// [vocab, hidden]
    var decoderWeight: Tensor
    /// [vocab]
    var decoderBias: Tensor

    /// - Parameters:
    ///   - hidden: [rows, hidden] → logits [rows, vocab]
    ///   - trace: when given, receives what the pullback needs (the same computation, kept).
    func callAsFunction(_ hidden: Tensor, epsilon: Float, tanhGELU: Bool, trace: MaskedLMHeadTrace? = nil) -> Tensor {
        var transformed = hidden.linear(weight: denseWeight, bias: nil)
        trace?.denseProjection = transformed
        if tanhGELU { transformed.applyTanhGELU(addingRowBias: denseBias) } else { transformed.applyGELU(addingRowBias: denseBias) }
        trace?.activated = transformed
        transformed.layerNormalize(gamma: normWeight, beta: normBias, epsilon: epsilon)
        return transformed.linear(weight: decoderWeight, bias: decoderBias)
    }
}

/// A BERT-family encoder (BERT, mBERT, MiniLM, RoBERTa, XLM-R) with an optional masked-LM head.
///
/// Hidden state 0 is the embedding output; hidden state `l` is the output of layer `l`
/// (as `output_hidden_states` in transformers).
public struct TransformerEncoder: Sendable {
    public let config: EncoderConfig
    let embeddings: Embeddings
    let layers: [EncoderLayer]
    let head: MaskedLMHead?

    /// Whether masked-LM logits are available.
    public var hasMaskedLMHead: Bool { head != nil }
    public var maxSequenceLength: Int { config.maxSequenceLength }
    var usesTanhGELU: Bool { config.hiddenActivation != "gelu" }

    /// Hidden state 0: the embeddings of a batch. - Returns: [tokens, hidden]
    public func embed(_ batch: PackedBatch) -> Tensor {
        for sequence in 0..<batch.sequenceCount {
            precondition(batch.rows(of: sequence).count <= maxSequenceLength,
                         "sequence \(sequence) has \(batch.rows(of: sequence).count) tokens; at most \(maxSequenceLength)")
        }
        return embeddings(batch, epsilon: config.layerNormEpsilon)
    }

    /// Runs layer `index` (1-based, as hidden-state numbering) on hidden state `index − 1`.
    public func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, mlp: ((inout Tensor) -> Void)? = nil) -> Tensor {
        applyLayer(index, to: hidden, batch: batch, mlp: mlp, trace: nil)
    }

    /// ``applyLayer(_:to:batch:mlp:)``, keeping what the pullback needs in `trace`.
    func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, mlp: ((inout Tensor) -> Void)?, trace: EncoderLayerTrace?) -> Tensor {
        precondition(index >= 1 && index <= layers.count, "layer \(index) outside 1...\(layers.count)")
        return layers[index - 1](hidden, batch: batch, headCount: config.headCount,
                                 epsilon: config.layerNormEpsilon, tanhGELU: usesTanhGELU, mlp: mlp, trace: trace)
    }

    /// Masked-LM logits for chosen rows of a final hidden state. - Returns: [rows, vocab]
    public func maskedLMLogits(_ finalHidden: Tensor, rows: [Int]? = nil) -> Tensor? {
        maskedLMLogits(finalHidden, rows: rows, trace: nil)
    }

    /// ``maskedLMLogits(_:rows:)``, keeping what the head's pullback needs in `trace`.
    func maskedLMLogits(_ finalHidden: Tensor, rows: [Int]?, trace: MaskedLMHeadTrace?) -> Tensor? {
        guard let head else { return nil }
        let selected = rows.map { finalHidden.selectingRows($0) } ?? finalHidden
        return head(selected, epsilon: config.layerNormEpsilon, tanhGELU: usesTanhGELU, trace: trace)
    }
}

extension TransformerEncoder: LanguageModel {
    public var architecture: String { config.modelType }
    public var summary: String {
        "\(config.modelType), \(layers.count) × \(config.hiddenSize)" + (hasMaskedLMHead ? ", masked-LM head" : ", no masked-LM head")
    }
    public var hiddenSize: Int { config.hiddenSize }
    public var mlpSize: Int { config.intermediateSize }
    public var layerCount: Int { layers.count }
    public var vocabularySize: Int { embeddings.words.rows }
    public var objective: PredictionObjective { .maskedToken }
    public var hasOutputHead: Bool { hasMaskedLMHead }
    public var tokenEmbeddings: Tensor { embeddings.words }
    public var normEpsilon: Float { config.layerNormEpsilon }

    public func logits(_ lastHidden: Tensor, rows: [Int]?, vocabulary: [Int]?) -> Tensor? {
        guard let logits = maskedLMLogits(lastHidden, rows: rows) else { return nil }
        return vocabulary.map { logits.selectingColumns($0) } ?? logits
    }
}
