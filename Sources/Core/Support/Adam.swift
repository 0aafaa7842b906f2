import Foundation

/// Adam (Kingma & Ba 2015) with PyTorch's defaults β = (0.9, 0.999), ε = 1e-8.
package struct Adam: Sendable {
    package var learningRate: Float
    var beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    private var m: [Float], v: [Float]
    private var t = 0

    package init(count: Int, learningRate: Float) {
        self.learningRate = learningRate
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    /// Counts a step and returns its bias-corrected step size, lr / (1 − β1ᵗ), and 1 / √(1 − β2ᵗ)
    /// (both step functions use them).
    private mutating func advance() -> (stepSize: Float, inverseRootCorrection2: Float) {
        t += 1
        let correction1 = 1 - Float(Foundation.pow(Double(beta1), Double(t)))
        let correction2 = 1 - Float(Foundation.pow(Double(beta2), Double(t)))
        return (learningRate / correction1, 1 / correction2.squareRoot())
    }

    package mutating func step(_ parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>) {
        let (stepSize, inverseRootCorrection2) = advance()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                for i in 0..<parameters.count {
                    let g = gradient[i]
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    parameters[i] -= stepSize * m[i] / (v[i].squareRoot() * inverseRootCorrection2 + eps)
                }
            }
        }
    }
}

extension Adam {
    /// One step on a parameter array.
    package mutating func step(_ parameters: inout [Float], gradient: [Float]) {
        precondition(parameters.count == gradient.count, "Adam: \(parameters.count) parameters, \(gradient.count) gradients")
        parameters.withUnsafeMutableBufferPointer { p in gradient.withUnsafeBufferPointer { g in step(p, gradient: g) } }
    }
}

extension Adam {
    /// ``step(_:gradient:)`` on the gradient plus the elastic net's subgradient λ1·sign(w) + l2·w on
    /// the first `penalised` parameters (l2 = λ2/‖W‖; subgradient 0 at w = 0, as autograd), in one
    /// pass eight lanes at a time. Each element goes through the arithmetic of the two loops it
    /// replaces, in the same order (no fused multiply-adds), so the parameters come out the same bit
    /// for bit; the gradient buffer is left as it was.
    package mutating func step(_ parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                       lambda1 l1: Float, l2: Float, penalised: Int) {
        precondition(parameters.count == m.count && gradient.count == m.count && penalised <= m.count,
                     "Adam: \(parameters.count) parameters and \(gradient.count) gradients for \(m.count) moments")
        let (stepSize, inverseRootCorrection2) = advance()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let (oneMinusB1, oneMinusB2) = (1 - b1, 1 - b2)
        typealias Lanes = SIMD8<Float>
        let width = Lanes.scalarCount
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                let p = UnsafeMutableRawPointer(parameters.baseAddress!)
                let g = UnsafeRawPointer(gradient.baseAddress!)
                let mp = UnsafeMutableRawPointer(m.baseAddress!), vp = UnsafeMutableRawPointer(v.baseAddress!)
                @inline(__always) func update(_ i: Int, penalty: Bool) {
                    let offset = i * MemoryLayout<Float>.stride
                    let value = p.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                    var grad = g.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                    if penalty {
                        var sign = Lanes(repeating: 0)
                        sign.replace(with: 1, where: value .> 0)
                        sign.replace(with: -1, where: value .< 0)
                        grad = grad + (l1 * sign + l2 * value)
                    }
                    let moment = b1 * mp.loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusB1 * grad
                    let second = b2 * vp.loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusB2 * grad * grad
                    mp.storeBytes(of: moment, toByteOffset: offset, as: Lanes.self)
                    vp.storeBytes(of: second, toByteOffset: offset, as: Lanes.self)
                    p.storeBytes(of: value - stepSize * moment / (second.squareRoot() * inverseRootCorrection2 + eps),
                                 toByteOffset: offset, as: Lanes.self)
                }
                func scalar(_ i: Int, penalty: Bool) {
                    let value = parameters[i]
                    var grad = gradient[i]
                    if penalty {
                        let sign: Float = value > 0 ? 1 : (value < 0 ? -1 : 0)
                        grad += l1 * sign + l2 * value
                    }
                    m[i] = b1 * m[i] + oneMinusB1 * grad
                    v[i] = b2 * v[i] + oneMinusB2 * grad * grad
                    parameters[i] -= stepSize * m[i] / (v[i].squareRoot() * inverseRootCorrection2 + eps)
                }
                var i = 0
                while i + width <= penalised { update(i, penalty: true); i += width }
                while i < penalised { scalar(i, penalty: true); i += 1 }
                while i + width <= parameters.count { update(i, penalty: false); i += width }
                while i < parameters.count { scalar(i, penalty: false); i += 1 }
            }
        }
    }
}
