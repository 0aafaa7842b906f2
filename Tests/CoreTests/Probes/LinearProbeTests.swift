import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Probing
@testable import Analysis

@Suite("Linear probe")
struct LinearProbeTests {
    struct Reference: Decodable {
        struct Settings: Decodable {
            var lambda1: Float, lambda2: Float, epochs: Int
            var batch_size: Int, learning_rate: Float
        }
        var features: [[Float]], labels: [Int], classes: Int
        var initial_weights: [[Float]], initial_bias: [Float]
        var final_weights: [[Float]], final_bias: [Float]
        var settings: Settings
    }

    @Test("training from the same start reproduces PyTorch's elastic-net Adam run within 1e-5")
    func parityWithPyTorch() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.url("probes/linear-probe.json")))
        let d = reference.features[0].count
        let features = Tensor(shape: [reference.features.count, d], scalars: reference.features.flatMap { $0 })
        let settings = LinearProbeSettings(lambda1: reference.settings.lambda1, lambda2: reference.settings.lambda2,
                                           epochs: reference.settings.epochs, batchSize: reference.settings.batch_size,
                                           learningRate: reference.settings.learning_rate, shuffle: false)
        let probe = LinearProbe.train(
            features: features, labels: reference.labels, classCount: reference.classes, settings: settings,
            initial: (Tensor(shape: [reference.classes, d], scalars: reference.initial_weights.flatMap { $0 }), reference.initial_bias))
        let expected = Tensor(shape: [reference.classes, d], scalars: reference.final_weights.flatMap { $0 })
        #expect(probe.weights.maxAbsoluteDifference(expected) < 1e-5, "\(probe.weights.maxAbsoluteDifference(expected))")
        for (a, b) in zip(probe.bias, reference.final_bias) { #expect(abs(a - b) < 1e-5) }
    }

    @Test("a separable problem is learned, and the same seed gives the same probe")
    func separable() {
        var random = SplitMix64(seed: 3)
        let n = 300, d = 6
        var scalars: [Float] = [], labels: [Int] = []
        for i in 0..<n {
            let label = i % 3
            labels.append(label)
            for j in 0..<d { scalars.append(Float(random.nextUnitDouble() - 0.5) + (j == label ? 3 : 0)) }
        }
        let x = Tensor(shape: [n, d], scalars: scalars)
        let probe = LinearProbe.train(features: x, labels: labels, classCount: 3)
        #expect(probe.accuracy(x, labels: labels) > 0.98)
        #expect(LinearProbe.train(features: x, labels: labels, classCount: 3).weights == probe.weights)
        // Neurons 0–2 carry the classes: keeping only them keeps the accuracy; only 3–5 loses it.
        #expect(probe.accuracy(x, labels: labels, keeping: [0, 1, 2]) > 0.95)
        #expect(probe.accuracy(x, labels: labels, keeping: [3, 4, 5]) < 0.6)
        let ranking = LinearRanking.meanAbsoluteWeight(probe)
        #expect(Set(ranking.top(3)) == [0, 1, 2])
    }

    @Test("probes trained in lockstep are bit for bit those trained one at a time", arguments: [1, 2, 5, 6])
    func lockstep(probes: Int) {
        var random = SplitMix64(seed: 11)
        let n = 203, d = 13, c = 4   // a last minibatch of 11 rows; 52 weights, not a multiple of 8
        let x = Tensor(shape: [n, d], scalars: (0..<(n * d)).map { _ in Float(random.nextUnitDouble() * 2 - 1) })
        let labelSets = (0..<probes).map { set in (0..<n).map { ($0 * (set + 1) + set) % c } }
        for base in [LinearProbeSettings.pitfalls, .neurox] {
            let settings = (0..<probes).map { base.with(lambda1: [0, 1e-3, 1e-2, 0][$0 % 4], lambda2: [0, 1e-2, 0, 1e-1][$0 % 4]) }
            let together = LinearProbe.train(features: x, labelSets: labelSets, classCount: c, settings: settings)
            for probe in 0..<probes {
                let alone = LinearProbe.train(features: x, labels: labelSets[probe], classCount: c, settings: settings[probe])
                #expect(together[probe].weights.scalars.map(\.bitPattern) == alone.weights.scalars.map(\.bitPattern))
                #expect(together[probe].bias.map(\.bitPattern) == alone.bias.map(\.bitPattern))
                #expect(together[probe].settings == settings[probe])
            }
        }
    }
}
