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

    package mutating func step(_ parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>) {
        t += 1
        let correction1 = 1 - Float(Foundation.pow(Double(beta1), Double(t)))
        let correction2 = 1 - Float(Foundation.pow(Double(beta2), Double(t)))
        let stepSize = learningRate / correction1
        let inverseRootCorrection2 = 1 / correction2.squareRoot()
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
