import Foundation
import Kernels
import Support

/// A readout head fitted on an encoder without a masked-LM head (MiniLM): LayerNorm, then a linear
/// map to the vocabulary, trained to reproduce each input token from the final hidden state.
///
/// It is **not part of the pretrained model**: every result that uses it says so
/// (``label``). Tied heads decode with the input embeddings (only LayerNorm and the output bias
/// are fitted); untied heads also fit the [vocab, hidden] matrix, starting from the embeddings.
public struct ReadoutHead: Sendable {
    /// How to fit a head.
    public struct Settings: Sendable, Codable, Hashable {
        /// Decode with the input embeddings (true) or a fitted matrix.
        public var tied: Bool = true
        /// Most training tokens (the first ones of the training split's sentences, in corpus order).
        public var maxTokens: Int = 16_384
        /// Held-out tokens (dev split) for the reported reproduction accuracy.
        public var evaluationTokens: Int = 4_096
        public var epochs: Int = 3
        public var batchSize: Int = 256
        public var learningRate: Float = 0.01
        public var seed: UInt64 = 1
        public init() {}
    }

    /// The sentence every result using a fitted head carries.
    public static let label = "fitted readout head, not part of the pretrained model"

    /// LayerNorm γ and β, [hidden].
    public var normWeight: [Float]
    public var normBias: [Float]
    /// [vocab, hidden]
    public var decoderWeight: Tensor
    /// [vocab]
    public var decoderBias: [Float]
    public var tied: Bool
    public var epsilon: Float
    /// Share of held-out tokens whose argmax is the input token (measured after fitting).
    public var heldOutAccuracy: Double
    /// Share of training tokens reproduced.
    public var trainAccuracy: Double

    /// LayerNorm of the rows without γ, β. - Returns: [rows, hidden]
    static func normalized(_ hidden: Tensor, epsilon: Float) -> Tensor {
        var copy = hidden
        let width = hidden.columns
        copy.layerNormalize(gamma: Tensor(shape: [width], scalars: Array(repeating: 1, count: width)),
                            beta: Tensor(zeros: [width]), epsilon: epsilon)
        return copy
    }

    /// Logits for rows of a final hidden state. - Returns: [rows, vocab]
    public func logits(_ hidden: Tensor) -> Tensor {
        var normed = hidden
        normed.layerNormalize(gamma: Tensor(shape: [normWeight.count], scalars: normWeight),
                              beta: Tensor(shape: [normBias.count], scalars: normBias), epsilon: epsilon)
        return normed.linear(weight: decoderWeight, bias: Tensor(shape: [decoderBias.count], scalars: decoderBias))
    }

    /// Fits a head to reproduce `targets` from `hidden` with full-softmax cross-entropy and Adam.
    ///
    /// - Parameters:
    ///   - hidden: final hidden states [tokens, hidden]
    ///   - targets: the input token id of every row
    ///   - embeddings: the input word embeddings [vocab, hidden] (the tied decoder, the untied start)
    ///   - heldOut: rows and ids to measure reproduction on
    public static func fit(hidden: Tensor, targets: [Int], embeddings: Tensor, epsilon: Float, settings: Settings,
                           heldOut: (hidden: Tensor, targets: [Int])? = nil) -> ReadoutHead {
        precondition(hidden.rows == targets.count, "ReadoutHead.fit: \(targets.count) targets for \(hidden.rows) rows")
        let width = hidden.columns, vocab = embeddings.rows
        precondition(embeddings.columns == width, "ReadoutHead.fit: embeddings \(embeddings.shape) vs width \(width)")
        let x = normalized(hidden, epsilon: epsilon)
        var head = ReadoutHead(normWeight: Array(repeating: 1, count: width), normBias: Array(repeating: 0, count: width),
                               decoderWeight: embeddings, decoderBias: Array(repeating: 0, count: vocab),
                               tied: settings.tied, epsilon: epsilon, heldOutAccuracy: 0, trainAccuracy: 0)
        let rate = settings.learningRate
        var adamGamma = Adam(count: width, learningRate: rate), adamBeta = Adam(count: width, learningRate: rate)
        var adamBias = Adam(count: vocab, learningRate: rate)
        var adamWeight = Adam(count: settings.tied ? 0 : vocab * width, learningRate: rate)
        func update(_ adam: inout Adam, _ parameters: inout [Float], _ gradient: [Float]) {
            parameters.withUnsafeMutableBufferPointer { p in gradient.withUnsafeBufferPointer { adam.step(p, gradient: $0) } }
        }
        var random = SplitMix64(seed: settings.seed)
        let n = hidden.rows
        for _ in 0..<settings.epochs {
            var order = Array(0..<n)
            order.shuffle(using: &random)
            var start = 0
            while start < n {
                let rows = Array(order[start..<min(n, start + settings.batchSize)])
                start += settings.batchSize
                let xb = x.selectingRows(rows)
                let b = rows.count
                // y = x̂ ⊙ γ + β
                var y = xb
                for r in 0..<b { for j in 0..<width { y.scalars[r * width + j] = xb.scalars[r * width + j] * head.normWeight[j] + head.normBias[j] } }
                var logits = y.linear(weight: head.decoderWeight, bias: Tensor(shape: [vocab], scalars: head.decoderBias))
                // dlogits = (softmax − onehot) / b
                logits.scalars.withUnsafeMutableBufferPointer { p in
                    for r in 0..<b {
                        let row = p.baseAddress! + r * vocab
                        softmaxInPlace(row, count: vocab)
                        row[targets[rows[r]]] -= 1
                        for v in 0..<vocab { row[v] /= Float(b) }
                    }
                }
                var gradBias = [Float](repeating: 0, count: vocab)
                for r in 0..<b { for v in 0..<vocab { gradBias[v] += logits.scalars[r * vocab + v] } }
                let dy = logits.matmul(head.decoderWeight)   // [b, width]
                var gradGamma = [Float](repeating: 0, count: width), gradBeta = [Float](repeating: 0, count: width)
                for r in 0..<b {
                    for j in 0..<width {
                        gradGamma[j] += dy.scalars[r * width + j] * xb.scalars[r * width + j]
                        gradBeta[j] += dy.scalars[r * width + j]
                    }
                }
                if !settings.tied {
                    // dW = dlogitsᵀ · y : [vocab, width]
                    var gradWeight = [Float](repeating: 0, count: vocab * width)
                    logits.scalars.withUnsafeBufferPointer { a in
                        y.scalars.withUnsafeBufferPointer { yb in
                            gradWeight.withUnsafeMutableBufferPointer { c in
                                BLAS.gemm(transposeA: true, m: vocab, n: width, k: b, a: a.baseAddress!, lda: vocab,
                                          b: yb.baseAddress!, ldb: width, c: c.baseAddress!, ldc: width)
                            }
                        }
                    }
                    update(&adamWeight, &head.decoderWeight.scalars, gradWeight)
                }
                update(&adamGamma, &head.normWeight, gradGamma)
                update(&adamBeta, &head.normBias, gradBeta)
                update(&adamBias, &head.decoderBias, gradBias)
            }
        }
        head.trainAccuracy = head.accuracy(hidden: hidden, targets: targets)
        if let heldOut { head.heldOutAccuracy = head.accuracy(hidden: heldOut.hidden, targets: heldOut.targets) }
        return head
    }

    /// Share of rows whose argmax is the target.
    public func accuracy(hidden: Tensor, targets: [Int]) -> Double {
        guard hidden.rows > 0 else { return 0 }
        var correct = 0
        var start = 0
        while start < hidden.rows {
            let rows = Array(start..<min(hidden.rows, start + 512))
            let predicted = Self.argmax(logits(hidden.selectingRows(rows)))
            for (i, row) in rows.enumerated() where predicted[i] == targets[row] { correct += 1 }
            start += 512
        }
        return Double(correct) / Double(hidden.rows)
    }

    /// The index of each row's largest value.
    public static func argmax(_ logits: Tensor) -> [Int] {
        let width = logits.columns
        return (0..<logits.rows).map { row in
            var best = 0
            var bestValue = -Float.infinity
            for v in 0..<width where logits.scalars[row * width + v] > bestValue {
                bestValue = logits.scalars[row * width + v]; best = v
            }
            return best
        }
    }
}
