import Foundation
import Testing
@testable import Statistics
@testable import Analysis

@Suite("Expected overlap of random rankings")
struct ExpectedOverlapTests {
    @Test("the paper's numbers: E2(768, 100) ≈ 13.02 and E3(768, 100) ≈ 1.69 (App. A.3)")
    func paperNumbers() {
        let two = ExpectedOverlap.expected(rankings: 2, neurons: 768, top: 100)
        let three = ExpectedOverlap.expected(rankings: 3, neurons: 768, top: 100)
        // The paper quotes two decimals: E2 = 13.0208…, E3 = 1.6954… (truncated, not rounded, to 1.69).
        #expect(abs(two - 13.02) < 0.005, "E2 = \(two)")
        #expect(abs(three - 1.69) < 0.01, "E3 = \(three)")
        #expect((two * 100).rounded(.towardZero) / 100 == 13.02)
        #expect((three * 100).rounded(.towardZero) / 100 == 1.69)
    }

    @Test("E_i(N, m) = mⁱ / Nⁱ⁻¹ (linearity of expectation); E2 = m² / N",
          arguments: [(2, 768, 100), (2, 768, 300), (2, 100, 60), (3, 768, 100), (3, 200, 150), (4, 768, 100),
                      (5, 50, 45), (2, 10, 10), (3, 17, 0)])
    func closedForm(rankings: Int, neurons: Int, top: Int) {
        let value = ExpectedOverlap.expected(rankings: rankings, neurons: neurons, top: top)
        let exact = pow(Double(top), Double(rankings)) / pow(Double(neurons), Double(rankings - 1))
        #expect(isClose(value, exact, absolute: 1e-9, relative: 1e-10), "\(value) vs \(exact)")
    }

    @Test("one ranking overlaps itself fully; the distribution sums to 1")
    func distribution() {
        #expect(ExpectedOverlap.expected(rankings: 1, neurons: 768, top: 100) == 100)
        let probabilities = ExpectedOverlap.distribution(rankings: 3, neurons: 768, top: 100)
        #expect(probabilities.count == 101)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-12)
        #expect(probabilities.allSatisfy { $0 >= 0 })
    }

    @Test("two rankings: the overlap is hypergeometric (N = 10, m = 4 by hand)")
    func hypergeometricByHand() {
        // P(k) = C(4, k) C(6, 4 − k) / C(10, 4), C(10, 4) = 210.
        let expected = [15.0, 80, 90, 24, 1].map { $0 / 210 }
        let probabilities = ExpectedOverlap.distribution(rankings: 2, neurons: 10, top: 4)
        for (value, reference) in zip(probabilities, expected) { #expect(isClose(value, reference, absolute: 1e-14)) }
    }

    @Test("the paper's recursion (eqs. 3–4) agrees with the hypergeometric chain in the paper's range",
          arguments: [(2, 768, 100), (3, 768, 100), (4, 768, 100), (2, 50, 5)])
    func paperRecursion(rankings: Int, neurons: Int, top: Int) {
        let chain = ExpectedOverlap.distribution(rankings: rankings, neurons: neurons, top: top)
        let recursion = ExpectedOverlap.paperRecursion(rankings: rankings, neurons: neurons, top: top)
        var meanChain = 0.0, meanRecursion = 0.0
        for k in chain.indices {
            meanChain += Double(k) * chain[k]
            meanRecursion += Double(k) * recursion[k]
        }
        #expect(abs(meanChain - meanRecursion) < 1e-8, "\(meanChain) vs \(meanRecursion)")
        #expect(zip(chain, recursion).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("counting by brute force: all pairs of 2-subsets of 5 neurons")
    func bruteForce() {
        // Tuples (A, B, C) of 2-subsets of {0..4}: 10³ = 1000; count |A ∩ B ∩ C|.
        let subsets = (0..<5).flatMap { a in ((a + 1)..<5).map { b in Set([a, b]) } }
        var total = 0
        for a in subsets { for b in subsets { for c in subsets { total += a.intersection(b).intersection(c).count } } }
        let brute = Double(total) / 1000
        #expect(isClose(ExpectedOverlap.expected(rankings: 3, neurons: 5, top: 2), brute, absolute: 1e-12))
        let recursion = ExpectedOverlap.paperRecursion(rankings: 3, neurons: 5, top: 2)
        #expect(isClose(recursion[1] + 2 * recursion[2], brute, absolute: 1e-12))
    }
}
