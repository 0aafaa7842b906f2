import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Statistics
@testable import Probing
@testable import Analysis

/// NaN or infinite rows into every ranking and probe trainer end promptly (NaN in, NaN or a
/// partial result out) instead of spinning (issue 19, case 2). The pipeline itself refuses such
/// rows earlier (extraction, `ProbingData.load`); these guard the algorithms' own loops.
@Suite("Rankings and probes on non-finite input")
struct NonFiniteInputTests {
    /// [60, 8] features of three labels with one bad value (or all bad), and labels.
    static func data(_ bad: Float, everywhere: Bool = false) -> (Tensor, [Int]) {
        var random = SplitMix64(seed: 1)
        var x = (0..<(60 * 8)).map { _ in Float(random.nextUnitDouble()) }
        if everywhere { x = x.map { _ in bad } } else { x[5] = bad }
        return (Tensor(shape: [60, 8], scalars: x), (0..<60).map { $0 % 3 })
    }

    static let cases: [(Float, Bool)] = [(.nan, false), (.infinity, false), (.nan, true), (-.infinity, true)]

    @Test("the linear probe trains and its rankings (mean |w|, weight mass) end", arguments: cases)
    func linear(bad: Float, everywhere: Bool) {
        let (x, y) = Self.data(bad, everywhere: everywhere)
        expectReturns(within: 20, "linear probe and rankings") {
            let probe = LinearProbe.train(features: x, labels: y, classCount: 3)
            for ranking in [LinearRanking.meanAbsoluteWeight(probe), LinearRanking.weightMass(probe)] {
                #expect(ranking.order.sorted() == Array(0..<8))
            }
            #expect((0...1).contains(probe.accuracy(x, labels: y)))
        }
    }

    @Test("Probeless ranks NaN scores last", arguments: cases)
    func probeless(bad: Float, everywhere: Bool) {
        let (x, y) = Self.data(bad, everywhere: everywhere)
        expectReturns(within: 20, "Probeless") {
            let ranking = ProbelessRanking.rank(features: x, labels: y, classCount: 3)
            #expect(ranking.order.sorted() == Array(0..<8))
            if !everywhere && bad.isNaN { #expect(ranking.order.last == 5) }   // neuron 5 holds the NaN
        }
    }

    @Test("the Gaussian probe fits (not finite), evaluates to NaN, and both greedy searches end", arguments: cases)
    func gaussian(bad: Float, everywhere: Bool) {
        let (x, y) = Self.data(bad, everywhere: everywhere)
        expectReturns(within: 20, "Gaussian probe and rankings") {
            let probe = GaussianProbe.fit(features: x, labels: y, classCount: 3)
            #expect(!probe.isFinite)
            #expect(probe.evaluate(features: x, labels: y, neurons: [5]).accuracy.isNaN)
            #expect(probe.predict(features: x, neurons: [5]).count == 60)
            for strategy in [GaussianRanking.Strategy.residuals, .recompute] {
                let ranking = GaussianRanking.rank(probe: probe, features: x, labels: y, maxNeurons: 8, strategy: strategy)
                #expect(ranking.order.count <= 8 && Set(ranking.order).count == ranking.order.count)
            }
            #expect(GaussianRanking.naive(probe: probe, features: x, labels: y, maxNeurons: 8).order.count <= 8)
        }
    }

    @Test("a finite Gaussian probe ranks on non-finite evaluation rows and ends", arguments: cases)
    func gaussianOnBadDev(bad: Float, everywhere: Bool) {
        let (clean, y) = Self.data(0.5)
        let (x, _) = Self.data(bad, everywhere: everywhere)
        expectReturns(within: 20, "Gaussian ranking on bad dev rows") {
            let probe = GaussianProbe.fit(features: clean, labels: y, classCount: 3)
            #expect(probe.isFinite)
            #expect(GaussianRanking.rank(probe: probe, features: x, labels: y, maxNeurons: 8).order.count <= 8)
        }
    }

    @Test("accuracy curves of every ranking and probe end", arguments: cases)
    func curves(bad: Float, everywhere: Bool) {
        let (x, y) = Self.data(bad, everywhere: everywhere)
        expectReturns(within: 30, "ProbingEvaluator curves") {
            let split = LabeledFeatures(features: x, labels: y)
            let data = ProbingData(train: split, dev: split, test: split, labelNames: ["a", "b", "c"], layers: [1], layerWidth: 8)
            let evaluator = ProbingEvaluator(data: data, neuronCounts: [1, 4, 8])
            let ranking = ProbelessRanking.rank(features: x, labels: y, classCount: 3)
            for classifier in [ProbeKind.linear, .gaussian] {
                #expect(evaluator.curve(ranking, classifier: classifier).accuracy.count == 3)
            }
        }
    }

    @Test("k-means and t-SNE end on non-finite rows", arguments: cases)
    func statistics(bad: Float, everywhere: Bool) {
        let (x, _) = Self.data(bad, everywhere: everywhere)
        expectReturns(within: 30, "k-means and t-SNE") {
            #expect(KMeans(x, clusters: 3, restarts: 2).assignments.count == 60)
            #expect(TSNE(x, options: TSNE.Options(perplexity: 5, iterations: 50)).embedding.rows == 60)
        }
    }
}
