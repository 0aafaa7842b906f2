import Testing
@testable import Kernels
@testable import Statistics
@testable import Analysis

@Suite("Squared distances")
struct SquaredDistancesTests {
    @Test("squared distances from the GEMM match direct sums")
    func distances() {
        let (data, _) = TSNETests.threeClusters()
        let fast = SquaredDistances.pairwise(data)
        let n = data.rows
        for i in 0..<n {
            for j in 0..<n {
                var direct = 0.0
                for k in 0..<data.columns { let d = Double(data[i, k] - data[j, k]); direct += d * d }
                #expect(abs(fast[i * n + j] - direct) <= 1e-4 * max(1, direct))
            }
        }
        let centres = Tensor(shape: [2, 10], scalars: (0..<20).map { Float($0) })
        let between = SquaredDistances.between(data, centres)
        for i in 0..<n {
            for c in 0..<2 {
                var direct = 0.0
                for k in 0..<10 { let d = Double(data[i, k] - centres[c, k]); direct += d * d }
                #expect(abs(Double(between[i, c]) - direct) <= 1e-4 * max(1, direct))
            }
        }
    }

    @Test("points far from the origin keep accurate small distances (centring before the GEMM)")
    func farFromOrigin() {
        let data = Tensor(shape: [3, 2], scalars: [1000, 1000, 1000.5, 1000, 1000, 1001])
        let distances = SquaredDistances.pairwise(data)
        // Without centring, ‖x‖² ≈ 2·10⁶ in Float would leave errors near 0.1.
        let expected: [Double] = [0, 0.25, 1, 0.25, 0, 1.25, 1, 1.25, 0]
        for (value, reference) in zip(distances, expected) { #expect(abs(value - reference) < 1e-5) }
    }
}
