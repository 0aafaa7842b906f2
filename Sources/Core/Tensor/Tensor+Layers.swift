import Foundation

/// The element-wise and row-wise operations a Transformer needs, in place on row-major storage.
extension Tensor {
    /// Layer normalisation of every row: `(x - mean) / sqrt(var + eps) * gamma + beta`.
    ///
    /// Sums run in eight Float lanes (SIMD8) — vectorised, and as accurate as the reference for rows
    /// of a few thousand values.
    public mutating func layerNormalize(gamma: Tensor, beta: Tensor, epsilon: Float) {
        let width = columns
        precondition(gamma.count == width && beta.count == width,
                     "layerNormalize: width \(width) vs gamma \(gamma.shape), beta \(beta.shape)")
        let rowCount = rows
        let lanes = width / 8 * 8
        gamma.scalars.withUnsafeBufferPointer { g in
            beta.scalars.withUnsafeBufferPointer { b in
                scalars.withUnsafeMutableBufferPointer { data in
                    for row in 0..<rowCount {
                        let x = data.baseAddress! + row * width
                        var sum8 = SIMD8<Float>(repeating: 0)
                        var i = 0
                        while i < lanes {
                            sum8 += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                            i += 8
                        }
                        var sum = sum8.sum()
                        while i < width { sum += x[i]; i += 1 }
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

    /// Exact GELU, `x · Φ(x) = 0.5 x (1 + erf(x / √2))` (BERT's "gelu"), eight lanes at a time.
    public mutating func applyGELU() {
        scalars.withUnsafeMutableBufferPointer { data in
            let count = data.count, lanes = count / 8 * 8
            let base = UnsafeMutableRawPointer(data.baseAddress!)
            var i = 0
            while i < lanes {
                let x = base.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                let y = 0.5 * x * (1 + FastMath.erf(x * 0.707_106_781_186_547_6))
                base.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            while i < count {
                let x = data[i]
                data[i] = 0.5 * x * (1 + FastMath.erf(x * 0.707_106_781_186_547_6))
                i += 1
            }
        }
    }

    /// The tanh approximation of GELU ("gelu_new", "gelu_pytorch_tanh").
    public mutating func applyTanhGELU() {
        scalars.withUnsafeMutableBufferPointer { data in
            for i in data.indices {
                let x = data[i]
                let inner = 0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)
                // tanh(u) = 1 - 2 / (exp(2u) + 1)
                let tanh = 1 - 2 / (FastMath.exp(2 * inner) + 1)
                data[i] = 0.5 * x * (1 + tanh)
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

/// Softmax of `count` floats in place, stable (max subtracted).
@inlinable
func softmaxInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var largest = -Float.greatestFiniteMagnitude
    for i in 0..<count { largest = max(largest, x[i]) }
    var sum: Float = 0
    for i in 0..<count { let e = FastMath.exp(x[i] - largest); x[i] = e; sum += e }
    let inverse = 1 / sum
    for i in 0..<count { x[i] *= inverse }
}
