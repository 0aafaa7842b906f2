import Foundation
import Testing
@testable import Plotting

@Suite("Nice ticks")
struct NiceTicksTests {
    /// Whether two tick lists agree to within floating-point noise.
    private func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
    }

    @Test("0…1 gets 0, 0.2, …, 1 with one decimal")
    func unitRange() {
        let ticks = NiceTicks(covering: 0...1)
        #expect(ticks.values == [0, 0.2, 0.4, 0.6, 0.8, 1])     // exact decimals, no 0.6000000000000001
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(ticks.step == 0.2)
        #expect(ticks.lower == 0 && ticks.upper == 1)
    }

    @Test("0…150 gets steps of 25 or 50, ending exactly at 150")
    func kRange() {
        let ticks = NiceTicks(covering: 0...150)
        #expect(ticks.values == [0, 25, 50, 75, 100, 125, 150])
        #expect(ticks.labels.first == "0" && ticks.labels.last == "150")
        let coarse = NiceTicks(covering: 0...150, maxIntervals: 4)
        #expect(coarse.values == [0, 50, 100, 150])
        // k = 1…150 on a wide axis: 0…150, not 0…160.
        #expect(NiceTicks(covering: 1...150, maxIntervals: 8).upper == 150)
    }

    @Test("data ranges widen outwards to whole steps", arguments: [
        (0.31, 0.97, [0.2, 0.4, 0.6, 0.8, 1.0]),
        (-3.0, 7.0, [-4, -2, 0, 2, 4, 6, 8]),
        (0.0, 1e-3, [0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001]),
        (12.0, 12.0, [10.5, 11, 11.5, 12, 12.5, 13, 13.5]),   // x…x widens to x ± 10 %
    ])
    func widening(low: Double, high: Double, expected: [Double]) {
        let ticks = NiceTicks(covering: low...high)
        #expect(same(ticks.values, expected), "\(low)…\(high) → \(ticks.values)")
        #expect(ticks.lower <= low && ticks.upper >= high)
        #expect(ticks.values.count - 1 <= 6)
    }

    @Test("steps are 1, 2 or 5 times a power of ten, or a whole-number 2.5 step (25, 250, …)")
    func stepShapes() {
        for span in [0.003, 0.07, 0.9, 1.3, 4.4, 17.0, 150.0, 999.0, 12_345.0] {
            for maxIntervals in 2...10 {
                let ticks = NiceTicks(covering: 0...span, maxIntervals: maxIntervals)
                let scale = pow(10, (log10(ticks.step)).rounded(.down))
                let mantissa = ticks.step / scale
                #expect([1, 2, 2.5, 5].contains { abs($0 - mantissa) < 1e-9 }, "span \(span): step \(ticks.step)")
                #expect(abs(mantissa - 2.5) > 1e-9 || ticks.step >= 25, "span \(span): step \(ticks.step)")
                #expect(ticks.values.count - 1 <= maxIntervals)
            }
        }
    }

    @Test("a fixed range keeps its bounds and ticks inside it")
    func fixedRange() {
        let ticks = NiceTicks(within: 0.05...0.95, maxIntervals: 5)
        #expect(ticks.lower == 0.05 && ticks.upper == 0.95)
        #expect(same(ticks.values, [0.2, 0.4, 0.6, 0.8]))
        #expect(ticks.labels == ["0.2", "0.4", "0.6", "0.8"])
    }

    @Test("labels: negatives, 2.5 steps and large numbers")
    func labels() {
        #expect(NiceTicks(covering: -1...1, maxIntervals: 4).labels == ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
        #expect(NiceTicks(covering: 0...1, maxIntervals: 4).labels == ["0.0", "0.5", "1.0"])   // no 0.25 steps
        #expect(NiceTicks(covering: 0...40_000, maxIntervals: 4).labels == ["0", "10k", "20k", "30k", "40k"])
        #expect(NiceTicks(covering: 0...2_000_000, maxIntervals: 8).labels
                    == ["0", "250k", "500k", "750k", "1M", "1.25M", "1.5M", "1.75M", "2M"])
        #expect(NiceTicks(covering: 0...9000, maxIntervals: 3).labels == ["0", "5k", "10k"])
        #expect(NiceTicks(covering: 0...9000, maxIntervals: 9).labels.last == "9000")
        #expect(NiceTicks(covering: 0...1).format(1.0 / 3) == "0.3")
    }
}
