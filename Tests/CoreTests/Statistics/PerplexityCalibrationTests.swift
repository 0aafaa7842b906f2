import Foundation
import Testing
@testable import Statistics
@testable import Analysis

@Suite("Perplexity calibration")
struct PerplexityCalibrationTests {
    @Test("perplexity calibration reaches entropy log2(perplexity) for every point", arguments: [5.0, 10, 30])
    func calibration(perplexity: Double) {
        let (data, _) = TSNETests.threeClusters()
        let distances = SquaredDistances.pairwise(data)
        let calibration = PerplexityCalibration(squaredDistances: distances, count: data.rows, perplexity: perplexity)
        for i in 0..<data.rows {
            #expect(abs(calibration.entropies[i] - log2(perplexity)) < 1e-4)
            // Recompute the entropy from the returned probabilities.
            var entropy = 0.0, sum = 0.0
            for j in 0..<data.rows {
                let p = calibration.conditional[i * data.rows + j]
                sum += p
                if p > 0 { entropy -= p * log2(p) }
            }
            #expect(abs(sum - 1) < 1e-12)
            #expect(abs(entropy - log2(perplexity)) < 1e-4)
            #expect(calibration.conditional[i * data.rows + i] == 0)
        }
        let joint = calibration.joint
        #expect(abs(joint.reduce(0, +) - 1) < 1e-9)
    }

    @Test("far-apart points do not underflow: the nearest neighbour keeps the mass at low perplexity")
    func farApart() {
        // Squared distances in the thousands: exp(−β d) underflows without the per-row shift.
        let positions: [Double] = [0, 1000, 1001, 3000, 3002.5]
        let n = positions.count
        var distances = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { distances[i * n + j] = (positions[i] - positions[j]) * (positions[i] - positions[j]) } }
        let calibration = PerplexityCalibration(squaredDistances: distances, count: n, perplexity: 2)
        for i in 0..<n {
            #expect(calibration.entropies[i].isFinite)
            #expect(abs((0..<n).map { calibration.conditional[i * n + $0] }.reduce(0, +) - 1) < 1e-12)
        }
    }
}
