import Foundation
@testable import Kernels
@testable import Support
@testable import Probing
@testable import Analysis

/// Seeded data for the Gaussian probe and ranking tests: class-conditional Gaussians with
/// correlated neurons (shared factors), label frequencies ∝ 1/(1 + y/2).
enum GaussianTestData {
    /// (train features, train labels, dev features, dev labels).
    static func make(neurons: Int, train: Int, dev: Int, classes: Int, seed: UInt64)
        -> (Tensor, [Int], Tensor, [Int]) {
        let data = GaussianRankingBenchmark.SyntheticData(neurons: neurons, classes: classes, seed: seed)
        var random = SplitMix64(seed: seed &+ 99)
        let (x, y) = data.sample(count: train, using: &random)
        let (xd, yd) = data.sample(count: dev, using: &random)
        return (x, y, xd, yd)
    }

    /// Columns `neurons` of a matrix, in that order.
    static func columns(_ x: Tensor, _ neurons: [Int]) -> Tensor {
        var scalars: [Float] = []
        for row in 0..<x.rows { for j in neurons { scalars.append(x[row, j]) } }
        return Tensor(shape: [x.rows, neurons.count], scalars: scalars)
    }

    /// |a − b| ≤ tolerance · max(1, |b|).
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// Elementwise ``close(_:_:_:)`` of equal-length arrays.
    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance) }
    }
}
