import Foundation
import Testing
@testable import Kernels
@testable import Probing
@testable import Analysis

@Suite("Gaussian greedy ranking")
struct GaussianRankingTests {
    struct Case: Sendable, CustomStringConvertible {
        var neurons: Int, train: Int, dev: Int, classes: Int, seed: UInt64, strategy: GaussianRanking.Strategy
        var description: String { "D \(neurons), \(classes) labels, \(strategy)" }
    }

    @Test("the incremental ranking chooses the naive ranking's neurons with the same MI (1e-9)", arguments: [
        Case(neurons: 12, train: 300, dev: 90, classes: 2, seed: 1, strategy: .residuals),
        Case(neurons: 12, train: 300, dev: 90, classes: 2, seed: 1, strategy: .recompute),
        Case(neurons: 10, train: 240, dev: 70, classes: 3, seed: 2, strategy: .residuals),
        Case(neurons: 10, train: 240, dev: 70, classes: 3, seed: 2, strategy: .recompute),
        Case(neurons: 8, train: 200, dev: 50, classes: 1, seed: 3, strategy: .automatic),
        Case(neurons: 9, train: 260, dev: 65, classes: 5, seed: 4, strategy: .automatic),
    ])
    func incrementalEqualsNaive(_ setting: Case) {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: setting.neurons, train: setting.train, dev: setting.dev,
                                                   classes: setting.classes, seed: setting.seed)
        let probe = GaussianProbe.fit(features: x, labels: y, classCount: setting.classes)
        var steps: [Int] = []
        let fast = GaussianRanking.rank(probe: probe, features: xd, labels: yd, maxNeurons: setting.neurons,
                                        strategy: setting.strategy) { steps.append($0) }
        let slow = GaussianRanking.naive(probe: probe, features: xd, labels: yd, maxNeurons: setting.neurons)
        #expect(fast.order == slow.order)
        #expect(Set(fast.order).count == setting.neurons)
        #expect(steps == Array(1...setting.neurons))
        #expect(GaussianTestData.close(fast.mutualInformation, slow.mutualInformation, 1e-9),
                "\(zip(fast.mutualInformation, slow.mutualInformation).map { $0 - $1 })")
        #expect(fast.accuracy == slow.accuracy)
        // The reported MI is the probe's evaluation of the chosen prefix.
        let check = probe.evaluate(features: xd, labels: yd, neurons: Array(fast.order.prefix(3)))
        #expect(GaussianTestData.close(fast.mutualInformation[2], check.mutualInformation, 1e-9))
        #expect(fast.accuracy[2] == check.accuracy)
    }

    /// `NEURON_GAUSSIAN_LARGE=1` adds a full-length comparison on a larger problem (for release builds).
    @Test("large: incremental equals naive over all 64 neurons, 3 labels, both strategies",
          .enabled(if: ProcessInfo.processInfo.environment["NEURON_GAUSSIAN_LARGE"] != nil))
    func largeIncrementalEqualsNaive() {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: 64, train: 3_000, dev: 800, classes: 3, seed: 21)
        let probe = GaussianProbe.fit(features: x, labels: y, classCount: 3)
        let slow = GaussianRanking.naive(probe: probe, features: xd, labels: yd, maxNeurons: 64)
        for strategy in [GaussianRanking.Strategy.residuals, .recompute] {
            let fast = GaussianRanking.rank(probe: probe, features: xd, labels: yd, maxNeurons: 64, strategy: strategy)
            #expect(fast.order == slow.order, "\(strategy)")
            #expect(GaussianTestData.close(fast.mutualInformation, slow.mutualInformation, 1e-9), "\(strategy)")
        }
    }

    @Test("maxNeurons stops early; ranking on train or dev is the caller's choice")
    func stopsAtMaxNeurons() {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: 20, train: 300, dev: 80, classes: 2, seed: 7)
        let onDev = GaussianRanking.rank(trainFeatures: x, trainLabels: y, classCount: 2, features: xd, labels: yd, maxNeurons: 5)
        #expect(onDev.order.count == 5 && onDev.mutualInformation.count == 5 && onDev.accuracy.count == 5)
        let probe = GaussianProbe.fit(features: x, labels: y, classCount: 2)
        let onTrain = GaussianRanking.rank(probe: probe, features: x, labels: y, maxNeurons: 5)
        #expect(onTrain.order == GaussianRanking.naive(probe: probe, features: x, labels: y, maxNeurons: 5).order)
        #expect(GaussianRanking.rank(probe: probe, features: xd, labels: yd, maxNeurons: 0).order.isEmpty)
        #expect(onDev.ranking.method == .gaussian && onDev.ranking.order == onDev.order)
        // Greedy MI on the scoring split never decreases much and starts with the best single neuron.
        let singles = (0..<20).map { probe.evaluate(features: xd, labels: yd, neurons: [$0]).mutualInformation }
        #expect(onDev.order[0] == singles.indices.max { singles[$0] < singles[$1] })
    }

    @Test("examples whose label never occurred in training are left out of the score")
    func untrainedLabelsLeftOut() {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: 8, train: 200, dev: 60, classes: 3, seed: 9)
        let trainTwo = y.map { min($0, 1) }        // label 2 never trained
        let probe = GaussianProbe.fit(features: x, labels: trainTwo, classCount: 3)
        let fast = GaussianRanking.rank(probe: probe, features: xd, labels: yd, maxNeurons: 8)
        let slow = GaussianRanking.naive(probe: probe, features: xd, labels: yd, maxNeurons: 8)
        #expect(fast.order == slow.order)
        #expect(GaussianTestData.close(fast.mutualInformation, slow.mutualInformation, 1e-9))
        #expect(fast.mutualInformation.allSatisfy { $0.isFinite })
    }

    @Test("a duplicated neuron (nearly collinear under the per-label prior): both searches still agree")
    func duplicateNeuron() {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: 6, train: 200, dev: 60, classes: 2, seed: 12)
        func duplicatingColumn0(_ t: Tensor) -> Tensor { GaussianTestData.columns(t, [0, 1, 2, 3, 4, 5, 0]) }
        let probe = GaussianProbe.fit(features: duplicatingColumn0(x), labels: y, classCount: 2, prior: .perLabel)
        // Per-label prior with a duplicated column: Σ is positive definite only through Λ₀ on the diagonal.
        let fast = GaussianRanking.rank(probe: probe, features: duplicatingColumn0(xd), labels: yd, maxNeurons: 7)
        let slow = GaussianRanking.naive(probe: probe, features: duplicatingColumn0(xd), labels: yd, maxNeurons: 7)
        #expect(fast.order == slow.order)
        #expect(GaussianTestData.close(fast.mutualInformation, slow.mutualInformation, 1e-8))
    }

    @Test("branch-free exp agrees with libm to a few ulp; product renormalisation keeps the logarithm")
    func fastMath() {
        var worst = 0.0
        for i in -70_000...70_000 {
            let x = Double(i) / 100
            let exact = Foundation.exp(x)
            worst = max(worst, abs(GaussianRanking.exp(x) - exact) / exact)
        }
        #expect(worst < 1e-15, "exp relative error \(worst)")
        #expect(GaussianRanking.exp(-1000) < 1e-300 && GaussianRanking.exp(0) == 1)

        var product: [Double] = [1, 3 * 1024, 1.5e300], exponent: [Double] = [0, 2, -1]
        let before = zip(product, exponent).map { Foundation.log($0) + $1 * Foundation.log(2.0) }
        GaussianRanking.normalise(&product, &exponent, count: 3)
        #expect(product.allSatisfy { $0 >= 1 && $0 < 2 })
        let after = zip(product, exponent).map { Foundation.log($0) + $1 * Foundation.log(2.0) }
        #expect(GaussianTestData.close(after, before, 1e-15))
        #expect(exponent[1] == 13)
    }
}
