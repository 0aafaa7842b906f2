import Foundation
import Testing
@testable import Core

@Suite("FastMath and tensor layers")
struct FastMathTests {
    @Test("erf is within 4e-7 of libm over [-6, 6]")
    func erfAccuracy() {
        var worst: Float = 0
        for i in -60_000...60_000 {
            let x = Float(i) / 10_000
            worst = max(worst, abs(FastMath.erf(x) - Float(Foundation.erf(Double(x)))))
        }
        #expect(worst < 4e-7, "max error \(worst)")
    }

    @Test("exp is within 3 ulp-relative of libm over [-80, 80]")
    func expAccuracy() {
        var worst: Double = 0
        for i in -80_000...80_000 {
            let x = Float(i) / 1000
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - exact) / exact)
        }
        #expect(worst < 3e-7, "max relative error \(worst)")
    }

    @Test("linear equals a hand-computed product")
    func linear() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let w = Tensor(shape: [2, 3], scalars: [1, 0, -1, 0.5, 0.5, 0.5])
        let b = Tensor(shape: [2], scalars: [10, 20])
        #expect(x.linear(weight: w, bias: b).scalars == [8, 23, 8, 27.5])
        #expect(x.matmul(w, transposeOther: true).scalars == [-2, 3, -2, 7.5])
    }

    @Test("layer normalisation gives zero mean and unit variance before the affine part")
    func layerNorm() {
        var x = Tensor(shape: [1, 4], scalars: [1, 2, 3, 4])
        x.layerNormalize(gamma: Tensor(shape: [4], scalars: [1, 1, 1, 1]), beta: Tensor(zeros: [4]), epsilon: 0)
        let expected: [Float] = [-1.3416408, -0.4472136, 0.4472136, 1.3416408]
        for (a, b) in zip(x.scalars, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test("xxh64 matches the reference implementation")
    func xxh64() {
        #expect(ContentHash.xxh64("") == 0xEF46_DB37_51D8_E999)
        #expect(ContentHash.xxh64("abc") == 0x44BC_2CF5_AD77_0999)
        #expect(ContentHash.xxh64("Neuron Workbench: the quick brown fox jumps over the lazy dog") == 0x2995_0AAD_D138_E6EF)
    }
}
