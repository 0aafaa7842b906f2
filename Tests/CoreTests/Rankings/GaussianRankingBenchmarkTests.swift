import Foundation
import Testing
@testable import Probing
@testable import Analysis

@Suite("Gaussian ranking benchmark")
struct GaussianRankingBenchmarkTests {
    @Test("a tiny run: both searches pick the same neurons with the same MI (timings are the benchmark's to print)")
    func tiny() {
        let report = GaussianRankingBenchmark.run(neurons: 16, trainExamples: 300, devExamples: 100, classes: 3,
                                                  k: 8, naiveK: 4, seed: 2)
        #expect(report.sameOrder)
        #expect(report.largestRelativeDifference < 1e-9)
        #expect(report.recomputeSeconds != nil)
        #expect(report.incrementalSeconds > 0 && report.naiveSeconds > 0)
        #expect(report.description.contains("same neurons: yes"))
    }

    @Test("extrapolation is exact for a per-candidate cost α + β·s + γ·s²")
    func extrapolation() {
        let d = 50
        func cost(_ s: Int) -> Double { 0.002 + 0.0003 * Double(s) + 0.0001 * Double(s * s) }
        let samples = [7, 10, 14, 20].map { (s: Double($0), cost: cost($0)) }
        var expected = 0.0
        for s in 7...20 { expected += cost(s) * Double(d - s + 1) }
        let estimate = GaussianRankingBenchmark.extrapolate(samples: samples, neurons: d, from: 7, to: 20)
        #expect(abs(estimate - expected) < 1e-9 * expected, "\(estimate) vs \(expected)")
    }

    /// `NEURON_GAUSSIAN_BENCH="D,N,dev,classes,k,naiveK"` (e.g. `768,20000,4000,2,150,10`) runs the
    /// real benchmark in a test process; meant for release builds.
    @Test("benchmark from NEURON_GAUSSIAN_BENCH", .enabled(if: ProcessInfo.processInfo.environment["NEURON_GAUSSIAN_BENCH"] != nil))
    func environmentBenchmark() {
        let spec = ProcessInfo.processInfo.environment["NEURON_GAUSSIAN_BENCH"] ?? ""
        for run in spec.split(separator: ";") {
            let values = run.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 6 else {
                Issue.record("NEURON_GAUSSIAN_BENCH wants D,N,dev,classes,k,naiveK; got \(run)")
                return
            }
            let report = GaussianRankingBenchmark.run(neurons: values[0], trainExamples: values[1], devExamples: values[2],
                                                      classes: values[3], k: values[4], naiveK: values[5], seed: 1)
            print(report)
            #expect(report.sameOrder)
        }
    }
}
