import Foundation
import Testing
@testable import Kernels
@testable import Support

@Suite("Tensor layers")
struct TensorLayersTests {
    @Test("softmax sums to 1, keeps the order and survives large inputs, at every width")
    func softmax() {
        for count in [1, 3, 8, 13, 64, 77] {
            var x = (0..<count).map { Float($0 % 7) * 30 - 50 }
            let reference: [Double] = {
                let largest = x.map(Double.init).max()!
                let e = x.map { Foundation.exp(Double($0) - largest) }
                return e.map { $0 / e.reduce(0, +) }
            }()
            x.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: count) }
            for (a, b) in zip(x, reference) { #expect(abs(Double(a) - b) < 1e-6, "width \(count)") }
        }
    }

    @Test("softmax of short rows eight at a time is bit for bit the softmax of each row")
    func softmaxRows() {
        var random = SplitMix64(seed: 11)
        for count in [1, 2, 7, 8, 9, 16, 17, 33] {
            for rows in [1, 7, 8, 9, 32, 37] {
                // Spread wide enough that some exponentials underflow and some rows hold ties.
                let values = (0..<(rows * count)).map { _ in Float((random.nextUnitDouble() * 80 - 40).rounded(.toNearestOrEven) / 4) }
                var oneByOne = values, tiled = values
                oneByOne.withUnsafeMutableBufferPointer { x in
                    for row in 0..<rows { softmaxInPlace(x.baseAddress! + row * count, count: count) }
                }
                let scratch = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: count)
                defer { scratch.deallocate() }
                tiled.withUnsafeMutableBufferPointer { softmaxRowsInPlace($0.baseAddress!, rows: rows, count: count, scratch: scratch) }
                #expect(tiled.map(\.bitPattern) == oneByOne.map(\.bitPattern), "\(rows) rows of \(count)")
            }
        }
    }

    @Test("GELU and LayerNorm with a row bias and a residual equal the separate steps")
    func fusedLayers() {
        var random = SplitMix64(seed: 7)
        func tensor(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(random.nextUnitDouble() * 6 - 3) })
        }
        for width in [5, 16, 21] {
            let x = tensor([3, width]), bias = tensor([width]), residual = tensor([3, width])
            let gamma = tensor([width]), beta = tensor([width])
            var separate = x
            separate.scalars = zip(x.scalars, (0..<x.count).map { bias.scalars[$0 % width] }).map { $0 + $1 }
            var gelu = separate, tanhGELU = separate
            gelu.applyGELU(); tanhGELU.applyTanhGELU()
            var fused = x, fusedTanh = x
            fused.applyGELU(addingRowBias: bias); fusedTanh.applyTanhGELU(addingRowBias: bias)
            #expect(fused == gelu && fusedTanh == tanhGELU, "width \(width)")
            separate.add(residual)
            separate.layerNormalize(gamma: gamma, beta: beta, epsilon: 1e-12)
            var normalized = x
            normalized.layerNormalize(addingRowBias: bias, residual: residual, gamma: gamma, beta: beta, epsilon: 1e-12)
            #expect(normalized.maxAbsoluteDifference(separate) < 1e-6, "width \(width)")
        }
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
}
