import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Statistics
@testable import Analysis

@Suite("t-SNE")
struct TSNETests {
    /// Three tight clusters in 10-D, 20 points each.
    static func threeClusters(seed: UInt64 = 21) -> (Tensor, [Int]) {
        var centres = [[Double]](repeating: [Double](repeating: 0, count: 10), count: 3)
        centres[1][0] = 12
        centres[2][5] = 12
        return gaussianBlobs(centres: centres, perCluster: 20, spread: 1, seed: seed)
    }

    @Test("the analytic gradient matches finite differences of the KL divergence")
    func gradient() {
        let (data, _) = Self.threeClusters()
        let n = data.rows
        let joint = PerplexityCalibration(squaredDistances: SquaredDistances.pairwise(data), count: n, perplexity: 10).joint
        var rng = SplitMix64(seed: 2)
        let layout = (0..<(2 * n)).map { _ in standardNormal(&rng) }
        var pLogP = 0.0
        for p in joint where p > 0 { pLogP += p * log(p) }
        var kernel = [Double](repeating: 0, count: n * n), gradient = [Double](repeating: 0, count: 2 * n)
        let (kl, _) = TSNE.evaluate(joint: joint, pLogP: pLogP, exaggeration: 1, layout: layout, count: n,
                                    kernel: &kernel, gradient: &gradient)
        #expect(isClose(kl, TSNE.klDivergence(joint: joint, layout: layout, count: n), absolute: 1e-10))
        let h = 1e-6
        for index in [0, 1, 17, 2 * n - 1] {
            var plus = layout, minus = layout
            plus[index] += h
            minus[index] -= h
            let numeric = (TSNE.klDivergence(joint: joint, layout: plus, count: n)
                - TSNE.klDivergence(joint: joint, layout: minus, count: n)) / (2 * h)
            #expect(abs(numeric - gradient[index]) < 1e-6, "coordinate \(index): \(numeric) vs \(gradient[index])")
        }
    }

    @Test("three well-separated clusters stay separated: every 2-D nearest neighbour shares the cluster")
    func clustersStaySeparated() {
        let (data, labels) = Self.threeClusters()
        let map = TSNE(data, options: .init(perplexity: 10, seed: 5))
        #expect(map.embedding.shape == [60, 2])
        let layout = SquaredDistances.pairwise(map.embedding)
        for i in 0..<60 {
            var nearest = -1
            for j in 0..<60 where j != i && (nearest < 0 || layout[i * 60 + j] < layout[i * 60 + nearest]) { nearest = j }
            #expect(labels[nearest] == labels[i], "point \(i)")
        }
        #expect(map.klDivergence.isFinite && map.klDivergence > 0)
    }

    @Test("the KL divergence decreases after early exaggeration (learning rate auto = 50 for 60 points)")
    func klDecreases() {
        let (data, _) = Self.threeClusters()
        let map = TSNE(data, options: .init(perplexity: 10, learningRate: .auto, seed: 1))
        let late = map.trace.filter { $0.iteration > 250 }
        #expect(late.count == 15)
        for (before, after) in zip(late, late.dropFirst()) {
            #expect(after.klDivergence <= before.klDivergence + 1e-6, "\(before) → \(after)")
        }
        #expect(map.klDivergence < map.trace[0].klDivergence)
        #expect(map.klDivergence <= late.last!.klDivergence + 1e-6)
        #expect(map.iterations == 1000)
    }

    @Test("with the paper's learning rate 200 the final KL is below every early checkpoint")
    func klDecreasesPaperRate() {
        // 200 is large for 60 points: the KL may rise between checkpoints, as in scikit-learn.
        let (data, _) = Self.threeClusters()
        for seed: UInt64 in 1...3 {
            let map = TSNE(data, options: .init(perplexity: 10, seed: seed))
            let early = map.trace.filter { $0.iteration <= 300 }
            #expect(early.allSatisfy { map.klDivergence < $0.klDivergence }, "seed \(seed)")
        }
    }

    @Test("the same seed gives the same layout; another seed another one")
    func deterministic() {
        let (data, _) = Self.threeClusters()
        let options = TSNE.Options(perplexity: 8, iterations: 300, seed: 7)
        let first = TSNE(data, options: options)
        #expect(first == TSNE(data, options: options))
        var other = options
        other.seed = 8
        #expect(first.embedding != TSNE(data, options: other).embedding)
    }

    @Test("the automatic learning rate also separates the clusters")
    func automaticLearningRate() {
        let (data, labels) = Self.threeClusters(seed: 3)
        let map = TSNE(data, options: .init(perplexity: 10, learningRate: .auto, seed: 2))
        let assignment = KMeans(map.embedding, clusters: 3, seed: 0).assignments
        #expect(samePartition(assignment, labels))
    }

    /// Timing of the study-sized case (meaningful in release:
    /// `swift build -c release -Xswiftc -enable-testing --build-tests`; then `--filter TSNE`).
    @Test("200 points × 1200 dimensions: a finite map (its time is printed, not asserted: a benchmark's question)")
    func timing() {
        var rng = SplitMix64(seed: 1)
        let data = Tensor(shape: [200, 1200], scalars: (0..<(200 * 1200)).map { _ in Float(rng.nextUnitDouble()) })
        let start = DispatchTime.now().uptimeNanoseconds
        let map = TSNE(data, options: .init(perplexity: 30, seed: 1))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("t-SNE 200 × 1200, 1000 iterations: \(String(format: "%.3f", seconds)) s, KL \(map.klDivergence)")
        #expect(map.embedding.shape == [200, 2])
        #expect(map.klDivergence.isFinite && map.embedding.scalars.allSatisfy(\.isFinite))
    }
}
