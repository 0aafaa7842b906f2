import Testing
@testable import Statistics
@testable import Analysis

@Suite("Curve statistics")
struct CurveStatisticsTests {
    @Test("mean and standard deviation per k, population and sample")
    func meanAndDeviation() {
        let curves: [[Double]] = [[1, 2, 3], [3, 2, 5], [5, 2, 10]]
        let population = CurveStatistics(curves)
        #expect(population.count == 3)
        #expect(population.mean == [3, 2, 6])
        // Deviations: (−2, 0, 2), (0, 0, 0), (−3, −1, 4) → Σ² = 8, 0, 26.
        #expect(isClose(population.standardDeviation[0], (8.0 / 3).squareRoot()))
        #expect(population.standardDeviation[1] == 0)
        #expect(isClose(population.standardDeviation[2], (26.0 / 3).squareRoot()))
        let sample = CurveStatistics(curves, deltaDegreesOfFreedom: 1)
        #expect(isClose(sample.standardDeviation[0], 2))
        #expect(isClose(sample.standardError[0], 2 / 3.0.squareRoot()))
    }

    @Test("Float curves are summarised in Double")
    func floatCurves() {
        let summary = CurveStatistics([[Float(0.5), 0.25], [Float(0.75), 0.25]])
        #expect(summary.mean == [0.625, 0.25])
        #expect(summary.standardDeviation == [0.125, 0])
    }
}
