import Foundation
import Testing
@testable import Kernels

@Suite("FastMath")
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

    @Test("every lane of the eight-lane exp and erf is as accurate as lane 0, with its own input")
    func laneFunctions() {
        for start in stride(from: -80.0, through: 80.0, by: 0.37) {
            let x = SIMD8<Float>((0..<8).map { Float(start) + Float($0) * 0.05 })
            let e = FastMath.exp(x), r = FastMath.erf(x / 20)
            for lane in 0..<8 {
                let exact = Foundation.exp(Double(x[lane]))
                #expect(abs(Double(e[lane]) - exact) / exact < 3e-7, "exp(\(x[lane])) in lane \(lane)")
                #expect(abs(Double(r[lane]) - Foundation.erf(Double(x[lane] / 20))) < 4e-7, "erf(\(x[lane] / 20)) in lane \(lane)")
            }
        }
    }
}
