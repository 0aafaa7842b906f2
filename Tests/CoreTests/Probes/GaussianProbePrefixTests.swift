import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Probing

@Suite("Gaussian probe on the top k of a ranking")
struct GaussianProbePrefixTests {
    /// Every field of two evaluations: predictions and accuracy exactly, the sums to `tolerance`.
    func expectSame(_ a: GaussianEvaluation, _ b: GaussianEvaluation, k: Int, tolerance: Double = 1e-12) {
        if b.accuracy.isNaN {
            #expect(a.accuracy.isNaN && a.mutualInformation.isNaN, "k = \(k): \(a.accuracy) where from scratch is NaN")
            return
        }
        #expect(a.predictions == b.predictions, "k = \(k)")
        #expect(a.accuracy == b.accuracy, "k = \(k)")
        #expect(GaussianTestData.close(a.crossEntropy, b.crossEntropy, tolerance), "k = \(k): \(a.crossEntropy) vs \(b.crossEntropy)")
        #expect(GaussianTestData.close(a.mutualInformation, b.mutualInformation, tolerance), "k = \(k)")
        #expect(a.labelEntropy == b.labelEntropy, "k = \(k)")
    }

    @Test("every k, over more rows than one block and counts in any order with repeats, equals the from-scratch marginal")
    func equalsFromScratch() {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: 40, train: 3000, dev: 1300, classes: 4, seed: 3)
        #expect(xd.rows > GaussianProbe.prefixBlockRows * 2)
        let probe = GaussianProbe.fit(features: x, labels: y, classCount: 4)
        var random = SplitMix64(seed: 7)
        let order = Array(0..<40).shuffled(using: &random)
        let counts = [25, 0, 1, 5, 40, 5, 13, 2]
        let prefixes = probe.prefixEvaluations(features: xd, labels: yd, order: order, counts: counts)
        #expect(prefixes.count == counts.count)
        for (k, evaluation) in zip(counts, prefixes) {
            expectSame(evaluation, probe.evaluate(features: xd, labels: yd, neurons: Array(order.prefix(k))), k: k)
        }
        // Every k from 1 to 40 on a ranking that is not the identity.
        let all = probe.prefixEvaluations(features: xd, labels: yd, order: order, counts: Array(1...40))
        for k in 1...40 { expectSame(all[k - 1], probe.evaluate(features: xd, labels: yd, neurons: Array(order.prefix(k))), k: k) }
    }

    @Test("a label without training examples: never predicted, as from scratch")
    func untrainedLabel() {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: 10, train: 800, dev: 200, classes: 3, seed: 11)
        let probe = GaussianProbe.fit(features: x, labels: y, classCount: 4)   // label 3 never seen
        #expect(!probe.isTrained(3))
        let order = Array((0..<10).reversed())
        let prefixes = probe.prefixEvaluations(features: xd, labels: yd, order: order, counts: [1, 4, 10])
        for (k, evaluation) in zip([1, 4, 10], prefixes) {
            #expect(!evaluation.predictions.contains(3))
            expectSame(evaluation, probe.evaluate(features: xd, labels: yd, neurons: Array(order.prefix(k))), k: k)
        }
    }

    @Test("k beyond a covariance that is not positive definite: NaN there, the smaller k still evaluated")
    func notPositiveDefinite() {
        // Neuron 2 copies neuron 0 for label 1: Σ₁ over {0, 1, 2} is singular, so k = 3 fails for every order starting 0, 1, 2.
        let d = 3
        var covariances = [Double](repeating: 0, count: 2 * d * d)
        for label in 0..<2 { for i in 0..<d { covariances[label * d * d + i * d + i] = 1 } }
        covariances[9 + 0 * d + 2] = 1
        covariances[9 + 2 * d + 0] = 1
        let probe = GaussianProbe(classCount: 2, featureCount: d, means: [0, 0, 0, 1, 1, 1], covariances: covariances, prior: [0.5, 0.5])
        let features = Tensor(shape: [4, d], scalars: [0, 0, 0, 1, 1, 1, 0.2, 0.9, 0.1, 1.1, 0, 1])
        let labels = [0, 1, 0, 1]
        let prefixes = probe.prefixEvaluations(features: features, labels: labels, order: [0, 1, 2], counts: [1, 2, 3])
        for (k, evaluation) in zip([1, 2, 3], prefixes) {
            expectSame(evaluation, probe.evaluate(features: features, labels: labels, neurons: Array([0, 1, 2].prefix(k))), k: k)
        }
        #expect(prefixes[2].accuracy.isNaN && !prefixes[1].accuracy.isNaN)
    }

    @Test("the factor of a leading block is the leading block of the factor, bit for bit")
    func choleskyPrefix() {
        let (x, y, _, _) = GaussianTestData.make(neurons: 24, train: 500, dev: 10, classes: 2, seed: 2)
        let probe = GaussianProbe.fit(features: x, labels: y, classCount: 2)
        var whole = Array(probe.covariances[0..<(24 * 24)])
        #expect(whole.withUnsafeMutableBufferPointer { GaussianProbe.choleskyRows($0.baseAddress!, size: 24, stride: 24) } == 24)
        for k in [1, 7, 16] {
            var part = [Double](repeating: 0, count: k * k)
            for i in 0..<k { for j in 0..<k { part[i * k + j] = probe.covariances[i * 24 + j] } }
            #expect(part.withUnsafeMutableBufferPointer { GaussianProbe.choleskyInPlace($0.baseAddress!, size: k, stride: k) })
            for i in 0..<k { for j in 0...i { #expect(part[i * k + j] == whole[i * 24 + j], "k = \(k), L[\(i), \(j)]") } }
        }
    }
}
