import Foundation
@testable import Kernels
@testable import Support

/// Whether `value` is within `absolute` of `expected`, or within `relative` of it in proportion.
func isClose(_ value: Double, _ expected: Double, absolute: Double = 1e-12, relative: Double = 1e-9) -> Bool {
    abs(value - expected) <= max(absolute, relative * abs(expected))
}

/// Seeded Gaussian blobs: `perCluster` rows around each centre, with the given spread.
///
/// - Returns: the data [clusters × perCluster, d] and each row's true cluster.
func gaussianBlobs(centres: [[Double]], perCluster: Int, spread: Double, seed: UInt64) -> (Tensor, [Int]) {
    var rng = SplitMix64(seed: seed)
    let d = centres[0].count
    var scalars: [Float] = []
    var labels: [Int] = []
    for (label, centre) in centres.enumerated() {
        for _ in 0..<perCluster {
            for j in 0..<d { scalars.append(Float(centre[j] + spread * standardNormal(&rng))) }
            labels.append(label)
        }
    }
    return (Tensor(shape: [labels.count, d], scalars: scalars), labels)
}

/// One standard normal draw (Box–Muller).
func standardNormal(_ rng: inout SplitMix64) -> Double {
    let u1 = max(rng.nextUnitDouble(), 1e-300), u2 = rng.nextUnitDouble()
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
}

/// Whether two labellings define the same partition (equal up to renaming the labels).
func samePartition(_ a: [Int], _ b: [Int]) -> Bool {
    guard a.count == b.count else { return false }
    var forward: [Int: Int] = [:], backward: [Int: Int] = [:]
    for (x, y) in zip(a, b) {
        if let mapped = forward[x], mapped != y { return false }
        if let mapped = backward[y], mapped != x { return false }
        forward[x] = y
        backward[y] = x
    }
    return true
}
