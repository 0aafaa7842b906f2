import Foundation

/// The element-wise and row-wise operations a Transformer needs, in place on row-major storage.
extension Tensor {
    /// Layer normalisation of every row: `(x - mean) / sqrt(var + eps) * gamma + beta`.
    ///
    /// Sums run in eight Float lanes (SIMD8) — vectorised, and as accurate as the reference for rows
    /// of a few thousand values.
    public mutating func layerNormalize(gamma: Tensor, beta: Tensor, epsilon: Float) {
        layerNormalize(addingRowBias: nil, residual: nil, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// `LayerNorm(x + bias + residual)` of every row in one pass over the data: a linear layer's bias
    /// (added to every row) and the residual branch (same shape) are folded into the mean's sweep.
    /// The sums are those of `x + bias` then `+ residual`, as when they are added separately.
    public mutating func layerNormalize(addingRowBias bias: Tensor?, residual: Tensor?, gamma: Tensor, beta: Tensor, epsilon: Float) {
        let width = columns
        precondition(gamma.count == width && beta.count == width,
                     "layerNormalize: width \(width) vs gamma \(gamma.shape), beta \(beta.shape)")
        precondition(bias == nil || bias!.count == width, "layerNormalize: bias \(bias!.shape) vs width \(width)")
        precondition(residual == nil || residual!.count == count, "layerNormalize: residual \(residual!.shape) vs \(shape)")
        let rowCount = rows
        let lanes = width / 8 * 8
        let noBias = [Float](repeating: 0, count: bias == nil ? width : 0)
        (bias?.scalars ?? noBias).withUnsafeBufferPointer { biasBuffer in
            (residual?.scalars ?? []).withUnsafeBufferPointer { residualBuffer in
                gamma.scalars.withUnsafeBufferPointer { g in
                    beta.scalars.withUnsafeBufferPointer { b in
                        scalars.withUnsafeMutableBufferPointer { data in
                            let add = biasBuffer.baseAddress!
                            // An empty array's buffer still has an address: test the residual itself.
                            let residualBase = residual == nil ? nil : residualBuffer.baseAddress
                            for row in 0..<rowCount {
                                let x = data.baseAddress! + row * width
                                let skip = residualBase.map { $0 + row * width }
                                var sum8 = SIMD8<Float>(repeating: 0)
                                var i = 0
                                while i < lanes {
                                    var v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                                        + UnsafeRawPointer(add + i).loadUnaligned(as: SIMD8<Float>.self)
                                    if let skip { v += UnsafeRawPointer(skip + i).loadUnaligned(as: SIMD8<Float>.self) }
                                    UnsafeMutableRawPointer(x + i).storeBytes(of: v, as: SIMD8<Float>.self)
                                    sum8 += v
                                    i += 8
                                }
                                var sum = sum8.sum()
                                while i < width {
                                    var v = x[i] + add[i]
                                    if let skip { v += skip[i] }
                                    x[i] = v
                                    sum += v
                                    i += 1
                                }
                                let mean = sum / Float(width)
                                var squares8 = SIMD8<Float>(repeating: 0)
                                i = 0
                                while i < lanes {
                                    let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - mean
                                    squares8 += d * d
                                    i += 8
                                }
                                var squares = squares8.sum()
                                while i < width { let d = x[i] - mean; squares += d * d; i += 1 }
                                let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
                                for j in 0..<width { x[j] = (x[j] - mean) * inverse * g[j] + b[j] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Exact GELU, `x · Φ(x) = 0.5 x (1 + erf(x / √2))` (BERT's "gelu"), eight lanes at a time.
    public mutating func applyGELU() { apply(ExactGELU.self, addingRowBias: nil) }

    /// Exact GELU of `x + bias` (a linear layer's bias, added to every row) in one pass.
    public mutating func applyGELU(addingRowBias bias: Tensor?) { apply(ExactGELU.self, addingRowBias: bias) }

    /// The tanh approximation of GELU ("gelu_new", "gelu_pytorch_tanh").
    public mutating func applyTanhGELU() { apply(TanhGELU.self, addingRowBias: nil) }

    /// The tanh approximation of GELU of `x + bias`, in one pass.
    public mutating func applyTanhGELU(addingRowBias bias: Tensor?) { apply(TanhGELU.self, addingRowBias: bias) }

    /// `x ← f(x + bias[column])` over every row, eight lanes at a time where the row allows.
    /// Generic over the function's type, so the compiler inlines it into the loop.
    private mutating func apply<Activation: ElementwiseActivation>(_: Activation.Type, addingRowBias bias: Tensor?) {
        let width = columns, rowCount = rows
        precondition(bias == nil || bias!.count == width, "bias \(bias!.shape) vs width \(width)")
        let noBias = [Float](repeating: 0, count: bias == nil ? width : 0)
        (bias?.scalars ?? noBias).withUnsafeBufferPointer { biasBuffer in
            scalars.withUnsafeMutableBufferPointer { data in
                let add = UnsafeRawPointer(biasBuffer.baseAddress!)
                let lanes = width / 8 * 8
                for row in 0..<rowCount {
                    let x = UnsafeMutableRawPointer(data.baseAddress! + row * width)
                    var i = 0
                    while i < lanes {
                        let v = x.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                            + add.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                        x.storeBytes(of: Activation.lanes(v), toByteOffset: i * 4, as: SIMD8<Float>.self)
                        i += 8
                    }
                    let typed = x.assumingMemoryBound(to: Float.self), bound = add.assumingMemoryBound(to: Float.self)
                    while i < width { typed[i] = Activation.scalar(typed[i] + bound[i]); i += 1 }
                }
            }
        }
    }

    /// Adds another tensor of the same element count, element by element.
    public mutating func add(_ other: Tensor) {
        precondition(count == other.count, "add: \(shape) vs \(other.shape)")
        other.scalars.withUnsafeBufferPointer { o in
            scalars.withUnsafeMutableBufferPointer { data in
                for i in data.indices { data[i] += o[i] }
            }
        }
    }
}

/// An element-wise function on eight lanes; a row's last few values go through one lane of it.
package protocol ElementwiseActivation {
    static func lanes(_ x: SIMD8<Float>) -> SIMD8<Float>
}

extension ElementwiseActivation {
    @inlinable @inline(__always) package static func scalar(_ x: Float) -> Float { lanes(SIMD8(repeating: x))[0] }
}

/// `0.5 x (1 + erf(x / √2))`.
enum ExactGELU: ElementwiseActivation {
    @inline(__always) static func lanes(_ x: SIMD8<Float>) -> SIMD8<Float> { 0.5 * x * (1 + FastMath.erf(x * 0.707_106_781_186_547_6)) }
}

/// `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`, with tanh(u) = 1 − 2 / (e^{2u} + 1).
package enum TanhGELU: ElementwiseActivation {
    @inlinable @inline(__always) package static func lanes(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let inner = 0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)
        return 0.5 * x * (1 + (1 - 2 / (FastMath.exp(2 * inner) + 1)))
    }
}

/// Softmax of `count` floats in place, stable (max subtracted), eight lanes at a time.
///
/// Written with SIMD8 because the compiler may not vectorise a float sum or maximum by itself
/// (it would reorder the additions); the lanes are combined at the end.
@inlinable
package func softmaxInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    let lanes = count / 8 * 8
    if lanes == 0 {
        // Fewer than eight: the loops below without their (empty) lanes, the same arithmetic.
        var largest = -Float.greatestFiniteMagnitude
        for j in 0..<count { largest = max(largest, x[j]) }
        var sum: Float = 0
        for j in 0..<count { let e = FastMath.exp(x[j] - largest); x[j] = e; sum += e }
        let inverse = 1 / sum
        for j in 0..<count { x[j] *= inverse }
        return
    }
    let raw = UnsafeMutableRawPointer(x)
    var largest8 = SIMD8<Float>(repeating: -.greatestFiniteMagnitude)
    var i = 0
    while i < lanes {
        largest8 = pointwiseMaxFast(largest8, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
        i += 8
    }
    var largest = largest8.max()
    while i < count { largest = max(largest, x[i]); i += 1 }
    var sum8 = SIMD8<Float>(repeating: 0)
    i = 0
    while i < lanes {
        let e = FastMath.exp(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - largest)
        raw.storeBytes(of: e, toByteOffset: i * 4, as: SIMD8<Float>.self)
        sum8 += e
        i += 8
    }
    var sum = sum8.sum()
    while i < count { let e = FastMath.exp(x[i] - largest); x[i] = e; sum += e; i += 1 }
    let inverse = 1 / sum
    for j in 0..<count { x[j] *= inverse }
}

/// Softmax of each of `rows` short rows (`count` floats each, row-major), in place: for every row
/// the arithmetic of ``softmaxInPlace(_:count:)`` in the same order, so the same bits, but eight
/// rows at a time across the lanes. A classifier's rows (a probe's 2–20 labels) are too short for
/// their own lanes: row by row, the maximum and the sum end in scalar reductions and half of the
/// exponentials run on one lane.
///
/// - Parameter scratch: room for `count` eight-lane vectors.
@inlinable
package func softmaxRowsInPlace(_ x: UnsafeMutablePointer<Float>, rows: Int, count: Int,
                                scratch: UnsafeMutablePointer<SIMD8<Float>>) {
    let tiles = rows / 8
    // Row r's lane sums in softmaxInPlace: s_l = 0 + e_l + e_{l+8} + … over the first ⌊count/8⌋·8
    // values, then ((s_0 + s_1) + …) + s_7 (SIMD's sum, in lane order), then the rest one by one.
    let lanes = count / 8 * 8
    for tile in 0..<tiles {
        let base = x + tile * 8 * count
        for j in 0..<count {
            scratch[j] = SIMD8(base[j], base[count + j], base[2 * count + j], base[3 * count + j],
                               base[4 * count + j], base[5 * count + j], base[6 * count + j], base[7 * count + j])
        }
        var largest = SIMD8<Float>(repeating: -.greatestFiniteMagnitude)
        for j in 0..<count { largest = pointwiseMaxFast(largest, scratch[j]) }
        var sum = SIMD8<Float>(repeating: 0)
        if lanes == 0 {
            for j in 0..<count {
                let e = FastMath.exp(scratch[j] - largest)
                scratch[j] = e
                sum += e
            }
        } else {
            var laneSums = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(),
                            SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
            withUnsafeMutableBytes(of: &laneSums) { raw in
                let partial = raw.baseAddress!.assumingMemoryBound(to: SIMD8<Float>.self)
                for j in 0..<lanes {
                    let e = FastMath.exp(scratch[j] - largest)
                    scratch[j] = e
                    partial[j % 8] += e
                }
                sum = partial[0]
                for l in 1..<8 { sum += partial[l] }
            }
            for j in lanes..<count {
                let e = FastMath.exp(scratch[j] - largest)
                scratch[j] = e
                sum += e
            }
        }
        let inverse = 1 / sum
        for j in 0..<count {
            let value = scratch[j] * inverse
            for lane in 0..<8 { base[lane * count + j] = value[lane] }
        }
    }
    for row in (tiles * 8)..<rows { softmaxInPlace(x + row * count, count: count) }
}

/// Lane-wise maximum by compare and blend (the standard library's `pointwiseMax` does not inline).
@inlinable @inline(__always)
func pointwiseMaxFast(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    var result = a
    result.replace(with: b, where: b .> a)
    return result
}
