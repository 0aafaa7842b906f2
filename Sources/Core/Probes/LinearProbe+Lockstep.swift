import Foundation
import Kernels
import Support

extension LinearProbe {
    /// Trains several fresh probes on the same features side by side, step for step: each minibatch
    /// is gathered once for all of them, and the sums ‖W‖² of the elastic net (one float chain per
    /// probe, in index order) run interleaved, so that their additions overlap.
    ///
    /// Each probe is bit for bit the one ``train(features:labels:classCount:settings:initial:)`` trains
    /// alone: the settings differ at most in λ1 and λ2, so every probe starts from the same seeded
    /// weights and visits the examples in the same order, and its own arithmetic is unchanged.
    ///
    /// - Parameters:
    ///   - features: [examples, features], shared by every probe
    ///   - labelSets: one array of class indices per probe (a task and its control task, or the
    ///     same labels for a λ grid)
    ///   - settings: one per probe; seed, epochs, batch size, learning rate and shuffling must agree
    public static func train(features: Tensor, labelSets: [[Int]], classCount: Int,
                             settings: [LinearProbeSettings]) -> [LinearProbe] {
        trainSideBySide(features: features, labelSets: labelSets, classCount: classCount, settings: settings, initial: nil)
    }

    /// The one training loop: `train(features:labels:…)` runs it with one label set.
    ///
    /// - Parameter initial: starting weights [classes, features] and bias for every probe, instead
    ///   of the seeded PyTorch-style initialisation (to check parity with PyTorch step by step).
    static func trainSideBySide(features: Tensor, labelSets: [[Int]], classCount: Int,
                                settings: [LinearProbeSettings],
                                initial: (weights: Tensor, bias: [Float])?) -> [LinearProbe] {
        let probes = labelSets.count
        precondition(settings.count == probes && probes > 0, "\(settings.count) settings for \(probes) label sets")
        let first = settings[0]
        precondition(settings.allSatisfy { $0.with(lambda1: first.lambda1, lambda2: first.lambda2) == first },
                     "LinearProbe: probes trained together may differ only in λ1 and λ2")
        let n = features.rows, d = features.columns, c = classCount
        for labels in labelSets {
            precondition(labels.count == n, "\(labels.count) labels for \(n) examples")
            precondition(labels.allSatisfy { (0..<c).contains($0) }, "labels outside 0..<\(c)")
        }
        var random = SplitMix64(seed: first.seed)
        // PyTorch nn.Linear initialisation, drawn once: every probe starts from these weights.
        let bound = 1 / Float(d).squareRoot()
        var w = [Float](repeating: 0, count: c * d)
        for i in w.indices { w[i] = (Float(random.nextUnitDouble()) * 2 - 1) * bound }
        var b = (0..<c).map { _ in (Float(random.nextUnitDouble()) * 2 - 1) * bound }
        if let initial {
            precondition(initial.weights.shape == [c, d] && initial.bias.count == c, "initial weights must be [\(c), \(d)]")
            w = initial.weights.scalars
            b = initial.bias
        }

        // Per probe, one parameter buffer (W then b) at `stride` floats from the previous probe's.
        let width = c * d + c
        var parameters = [Float]()
        parameters.reserveCapacity(probes * width)
        for _ in 0..<probes { parameters += w; parameters += b }
        var optimizers = settings.map { Adam(count: width, learningRate: $0.learningRate) }
        let batchSize = max(1, first.batchSize)
        precondition(n <= Int(Int32.max), "\(n) examples")
        var order = (0..<n).map { Int32(truncatingIfNeeded: $0) }
        var batch = [Float](repeating: 0, count: batchSize * d)
        var logits = [Float](repeating: 0, count: batchSize * c)
        var gradients = [Float](repeating: 0, count: probes * width)
        var squares = [Float](repeating: 0, count: probes)
        // Eight rows of logits, transposed, for the softmax.
        let tile = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: max(1, c))
        defer { tile.deallocate() }
        let allLabels = labelSets.flatMap { $0.map { Int32(truncatingIfNeeded: $0) } }
        features.scalars.withUnsafeBufferPointer { x in
            parameters.withUnsafeMutableBufferPointer { parameters in
                batch.withUnsafeMutableBufferPointer { xb in
                    logits.withUnsafeMutableBufferPointer { lp in
                        gradients.withUnsafeMutableBufferPointer { gradients in
                            squares.withUnsafeMutableBufferPointer { squares in
                                allLabels.withUnsafeBufferPointer { allLabels in
                                    for _ in 0..<first.epochs {
                                        if first.shuffle { order.shuffle(using: &random) }
                                        var start = 0
                                        while start < n {
                                            let rows = min(batchSize, n - start)
                                            let a = first.shuffle ? UnsafePointer(xb.baseAddress!) : x.baseAddress! + start * d
                                            if first.shuffle {
                                                for r in 0..<rows {
                                                    (xb.baseAddress! + r * d).update(from: x.baseAddress! + Int(order[start + r]) * d, count: d)
                                                }
                                            }
                                            for probe in 0..<probes {
                                                let p = parameters.baseAddress! + probe * width
                                                let g = gradients.baseAddress! + probe * width
                                                let labels = allLabels.baseAddress! + probe * n
                                                // The arithmetic of `train(features:labels:…)`, step for step.
                                                BLAS.gemm(transposeB: true, m: rows, n: c, k: d, a: a, lda: d,
                                                          b: p, ldb: d, c: lp.baseAddress!, ldc: c)
                                                // + b; softmax; − one-hot; × 1/rows.
                                                let scale = 1 / Float(rows)
                                                for r in 0..<rows {
                                                    let row = lp.baseAddress! + r * c
                                                    for k in 0..<c { row[k] += p[c * d + k] }
                                                }
                                                softmaxRowsInPlace(lp.baseAddress!, rows: rows, count: c, scratch: tile)
                                                for r in 0..<rows {
                                                    let row = lp.baseAddress! + r * c
                                                    row[Int(labels[Int(order[start + r])])] -= 1
                                                    for k in 0..<c { row[k] *= scale }
                                                }
                                                BLAS.gemm(transposeA: true, m: c, n: d, k: rows, a: lp.baseAddress!, lda: c,
                                                          b: a, ldb: d, c: g, ldc: d)
                                                // Column sums, each in row order (all columns at once).
                                                let biasGradient = g + c * d
                                                for k in 0..<c { biasGradient[k] = 0 }
                                                for r in 0..<rows {
                                                    let row = lp.baseAddress! + r * c
                                                    for k in 0..<c { biasGradient[k] += row[k] }
                                                }
                                            }
                                            sumsOfSquares(UnsafePointer(parameters.baseAddress!), stride: width, count: c * d,
                                                          buffers: probes, into: squares.baseAddress!)
                                            for probe in 0..<probes {
                                                let norm = squares[probe].squareRoot()
                                                let l2 = norm > 0 ? settings[probe].lambda2 / norm : 0
                                                optimizers[probe].step(UnsafeMutableBufferPointer(start: parameters.baseAddress! + probe * width, count: width),
                                                                       gradient: UnsafeBufferPointer(start: gradients.baseAddress! + probe * width, count: width),
                                                                       lambda1: settings[probe].lambda1, l2: l2, penalised: c * d)
                                            }
                                            start += rows
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (0..<probes).map { probe in
            let base = probe * width
            return LinearProbe(weights: Tensor(shape: [c, d], scalars: Array(parameters[base..<(base + c * d)])),
                               bias: Array(parameters[(base + c * d)..<(base + width)]), settings: settings[probe])
        }
    }
}

/// Σ p[i]² for i in 0..<count, for `buffers` buffers `stride` floats apart: each one float sum in
/// index order (as `for i in … { s += p[i] * p[i] }` adds it), up to four of them interleaved in one
/// loop so that their dependent additions overlap.
private func sumsOfSquares(_ base: UnsafePointer<Float>, stride: Int, count: Int, buffers: Int,
                           into sums: UnsafeMutablePointer<Float>) {
    var buffer = 0
    while buffer + 4 <= buffers {
        let p0 = base + buffer * stride, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        for i in 0..<count {
            s0 += p0[i] * p0[i]
            s1 += p1[i] * p1[i]
            s2 += p2[i] * p2[i]
            s3 += p3[i] * p3[i]
        }
        sums[buffer] = s0; sums[buffer + 1] = s1; sums[buffer + 2] = s2; sums[buffer + 3] = s3
        buffer += 4
    }
    if buffer + 2 <= buffers {
        let p0 = base + buffer * stride, p1 = p0 + stride
        var s0: Float = 0, s1: Float = 0
        for i in 0..<count {
            s0 += p0[i] * p0[i]
            s1 += p1[i] * p1[i]
        }
        sums[buffer] = s0; sums[buffer + 1] = s1
        buffer += 2
    }
    if buffer < buffers {
        let p0 = base + buffer * stride
        var s0: Float = 0
        for i in 0..<count { s0 += p0[i] * p0[i] }
        sums[buffer] = s0
    }
}
