import Foundation
import Kernels
import Support

/// Softmax regression with an elastic-net penalty, trained with Adam on minibatches
/// (Durrani et al. 2020 §2; NeuroX `train_logistic_regression_probe`; Antverg & Belinkov App. A.5).
///
/// Loss = mean cross-entropy + λ1·Σ|W| + λ2·sqrt(ΣW²) — weights only, no bias; the L2 term is the
/// non-squared Frobenius norm, as in both reference implementations.
public struct LinearProbe: Sendable {
    /// [classes, features]
    public var weights: Tensor
    /// [classes]
    public var bias: [Float]
    public var settings: LinearProbeSettings

    public var classCount: Int { weights.rows }
    public var featureCount: Int { weights.columns }

    /// Trains a fresh probe.
    ///
    /// - Parameters:
    ///   - features: [examples, features]
    ///   - labels: class index per example, in 0..<classCount
    ///   - initial: starting weights [classes, features] and bias, instead of the seeded
    ///     PyTorch-style initialisation (used to check parity with PyTorch step by step).
    public static func train(features: Tensor, labels: [Int], classCount: Int,
                             settings: LinearProbeSettings = .pitfalls,
                             initial: (weights: Tensor, bias: [Float])? = nil) -> LinearProbe {
        let n = features.rows, d = features.columns, c = classCount
        precondition(labels.count == n, "\(labels.count) labels for \(n) examples")
        precondition(labels.allSatisfy { (0..<c).contains($0) }, "labels outside 0..<\(c)")
        var random = SplitMix64(seed: settings.seed)
        // PyTorch nn.Linear initialisation: U(-1/√D, 1/√D) for weights and bias.
        let bound = 1 / Float(d).squareRoot()
        var w = [Float](repeating: 0, count: c * d)
        for i in w.indices { w[i] = (Float(random.nextUnitDouble()) * 2 - 1) * bound }
        var b = (0..<c).map { _ in (Float(random.nextUnitDouble()) * 2 - 1) * bound }
        if let initial {
            precondition(initial.weights.shape == [c, d] && initial.bias.count == c, "initial weights must be [\(c), \(d)]")
            w = initial.weights.scalars
            b = initial.bias
        }

        // One parameter buffer: W (c·d, row-major) then b (c); updated in place by Adam.
        var parameters = w + b
        var optimizer = Adam(count: c * d + c, learningRate: settings.learningRate)
        let batchSize = max(1, settings.batchSize)
        // The visiting order and the labels as 32-bit integers: half the memory of their random reads
        // (the shuffle draws the same permutation whatever the element type).
        precondition(n <= Int(Int32.max), "\(n) examples")
        var order = (0..<n).map { Int32(truncatingIfNeeded: $0) }
        let labelIndices = labels.map { Int32(truncatingIfNeeded: $0) }
        var batch = [Float](repeating: 0, count: batchSize * d)
        var logits = [Float](repeating: 0, count: batchSize * c)
        var gradient = [Float](repeating: 0, count: c * d + c)
        features.scalars.withUnsafeBufferPointer { x in
            parameters.withUnsafeMutableBufferPointer { p in
                batch.withUnsafeMutableBufferPointer { xb in
                    logits.withUnsafeMutableBufferPointer { lp in
                        gradient.withUnsafeMutableBufferPointer { g in
                            for _ in 0..<settings.epochs {
                                if settings.shuffle { order.shuffle(using: &random) }
                                var start = 0
                                while start < n {
                                    let rows = min(batchSize, n - start)
                                    // Unshuffled, a minibatch is consecutive rows: read in place, not copied.
                                    let a = settings.shuffle ? UnsafePointer(xb.baseAddress!) : x.baseAddress! + start * d
                                    if settings.shuffle {
                                        for r in 0..<rows {
                                            (xb.baseAddress! + r * d).update(from: x.baseAddress! + Int(order[start + r]) * d, count: d)
                                        }
                                    }
                                    // logits = X_b · Wᵀ + b; then softmax − one-hot, scaled by 1/rows.
                                    BLAS.gemm(transposeB: true, m: rows, n: c, k: d, a: a, lda: d,
                                              b: p.baseAddress!, ldb: d, c: lp.baseAddress!, ldc: c)
                                    let scale = 1 / Float(rows)
                                    for r in 0..<rows {
                                        let row = lp.baseAddress! + r * c
                                        for k in 0..<c { row[k] += p[c * d + k] }
                                        softmaxInPlace(row, count: c)
                                        row[Int(labelIndices[Int(order[start + r])])] -= 1
                                        for k in 0..<c { row[k] *= scale }
                                    }
                                    // ∂CE/∂W = dlogitsᵀ · X_b ; ∂CE/∂b = column sums of dlogits.
                                    BLAS.gemm(transposeA: true, m: c, n: d, k: rows, a: lp.baseAddress!, lda: c,
                                              b: a, ldb: d, c: g.baseAddress!, ldc: d)
                                    for k in 0..<c {
                                        var sum: Float = 0
                                        for r in 0..<rows { sum += lp[r * c + k] }
                                        g[c * d + k] = sum
                                    }
                                    // Elastic net: λ1·sign(W) + λ2·W/‖W‖ (subgradient 0 at W = 0, as autograd),
                                    // added inside the Adam step. ‖W‖² in index order, as one float sum.
                                    var squares: Float = 0
                                    for i in 0..<(c * d) { squares += p[i] * p[i] }
                                    let norm = squares.squareRoot()
                                    let l2 = norm > 0 ? settings.lambda2 / norm : 0
                                    optimizer.step(p, gradient: UnsafeBufferPointer(g), lambda1: settings.lambda1, l2: l2, penalised: c * d)
                                    start += rows
                                }
                            }
                        }
                    }
                }
            }
        }
        w = Array(parameters[0..<(c * d)])
        b = Array(parameters[(c * d)...])
        return LinearProbe(weights: Tensor(shape: [c, d], scalars: w), bias: b, settings: settings)
    }

    /// Class scores. - Returns: [examples, classes]
    public func logits(_ features: Tensor) -> Tensor {
        features.linear(weight: weights, bias: Tensor(shape: [classCount], scalars: bias))
    }

    /// The most likely class of each example.
    public func predict(_ features: Tensor) -> [Int] {
        let scores = logits(features)
        return (0..<scores.rows).map { row in
            var best = 0
            for k in 1..<max(classCount, 1) where scores[row, k] > scores[row, best] { best = k }
            return best
        }
    }

    /// Share of examples classified correctly.
    public func accuracy(_ features: Tensor, labels: [Int]) -> Double {
        guard !labels.isEmpty else { return 0 }
        let predictions = predict(features)
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// Accuracy when only `kept` features pass and the rest are zeroed, without retraining
    /// (Durrani et al.'s ablation: keep the top / random / bottom 20%).
    public func accuracy(_ features: Tensor, labels: [Int], keeping kept: [Int]) -> Double {
        var masked = Tensor(zeros: features.shape)
        let d = features.columns
        for row in 0..<features.rows { for j in kept { masked.scalars[row * d + j] = features.scalars[row * d + j] } }
        return accuracy(masked, labels: labels)
    }
}
