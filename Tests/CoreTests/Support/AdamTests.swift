import Foundation
import Testing
@testable import Support

@Suite("Adam")
struct AdamTests {
    @Test("the fused elastic-net step equals the penalty loop then the plain step, bit for bit")
    func fusedElasticNet() {
        var random = SplitMix64(seed: 21)
        for (count, penalised) in [(37, 34), (8, 8), (5, 3), (2_563, 2_550)] {
            var plain = (0..<count).map { _ in Float(random.nextUnitDouble() * 2 - 1) }
            plain[1] = 0   // sign 0
            var fused = plain
            var reference = Adam(count: count, learningRate: 0.01), optimizer = reference
            for _ in 0..<5 {
                let gradient = (0..<count).map { _ in Float(random.nextUnitDouble() * 0.2 - 0.1) }
                var squares: Float = 0
                for i in 0..<penalised { squares += plain[i] * plain[i] }
                let l2 = 0.01 / squares.squareRoot()
                var penalisedGradient = gradient
                for i in 0..<penalised {
                    let value = plain[i]
                    let sign: Float = value > 0 ? 1 : (value < 0 ? -1 : 0)
                    penalisedGradient[i] += 0.001 * sign + l2 * value
                }
                reference.step(&plain, gradient: penalisedGradient)
                fused.withUnsafeMutableBufferPointer { p in
                    gradient.withUnsafeBufferPointer { optimizer.step(p, gradient: $0, lambda1: 0.001, l2: l2, penalised: penalised) }
                }
                #expect(fused.map(\.bitPattern) == plain.map(\.bitPattern), "count \(count)")
            }
        }
    }
}
