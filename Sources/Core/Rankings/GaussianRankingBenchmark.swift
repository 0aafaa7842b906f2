import Foundation
import Kernels
import Support

/// Times the incremental greedy Gaussian ranking against the naive search that refits every
/// candidate (`Gaussian.py`), on seeded synthetic class-conditional Gaussian data with correlated
/// features, and checks that both choose the same neurons.
///
/// ```swift
/// let report = GaussianRankingBenchmark.run(neurons: 768, trainExamples: 20_000, devExamples: 4_000,
///                                           classes: 2, k: 150, naiveK: 10, seed: 1)
/// print(report)
/// ```
public enum GaussianRankingBenchmark {
    /// Times (seconds, wall clock) and agreement of one benchmark run.
    public struct Report: Sendable, Codable, CustomStringConvertible {
        public var neurons: Int
        public var trainExamples: Int
        public var devExamples: Int
        public var classes: Int
        public var k: Int
        public var naiveK: Int
        /// Worker threads of the incremental search (and OpenBLAS's own for the naive one).
        public var threads: Int
        /// Fitting the probe (shared by both searches; not in the times below).
        public var fitSeconds: Double
        /// Incremental ranking to `k` (strategy `.automatic`).
        public var incrementalSeconds: Double
        /// Processor time (all threads) of the same run: about threads × wall time on an idle
        /// machine, and a steadier figure than wall time where other jobs share the cores.
        public var incrementalProcessorSeconds: Double
        /// `residuals` or `recompute`: what `.automatic` chose.
        public var incrementalStrategy: String
        /// Incremental ranking to `k` with strategy `.recompute` (nil when not run or already timed).
        public var recomputeSeconds: Double?
        /// The incremental ranking's time when it had chosen `naiveK` neurons.
        public var incrementalSecondsAtNaiveK: Double
        /// Naive ranking to `naiveK` (measured).
        public var naiveSeconds: Double
        /// Naive ranking to `k`: measured when `naiveK == k`, else the measured part plus, for steps
        /// naiveK+1…k, (D − s + 1) candidates × a per-candidate cost α + β·s + γ·s² fitted to the
        /// naive search's own evaluation timed at subset sizes s spread over naiveK+1…k.
        public var naiveSecondsExtrapolated: Double
        /// (subset size, seconds per candidate) the extrapolation was fitted to.
        public var naiveCandidateSeconds: [[Double]]
        /// naiveSeconds / incrementalSecondsAtNaiveK: measured at equal k.
        public var speedupAtNaiveK: Double { naiveSeconds / max(incrementalSecondsAtNaiveK, 1e-9) }
        /// naiveSecondsExtrapolated / incrementalSeconds.
        public var speedupExtrapolated: Double { naiveSecondsExtrapolated / max(incrementalSeconds, 1e-9) }
        /// Whether the naive search chose the incremental search's first `naiveK` neurons, in order.
        public var sameOrder: Bool
        /// Largest |MI_incremental − MI_naive| / |MI_naive| over the first `naiveK` steps.
        public var largestRelativeDifference: Double
        /// Dev mutual information (bits) and accuracy after `k` incremental steps.
        public var finalMutualInformation: Double
        public var finalAccuracy: Double

        public var description: String {
            func f(_ value: Double) -> String { String(format: "%.3f", value) }
            var lines = [
                "Gaussian greedy ranking: D = \(neurons), train \(trainExamples), dev \(devExamples), \(classes) labels, \(threads) threads",
                "  fit probe                         \(f(fitSeconds)) s",
                "  incremental to k = \(k) (\(incrementalStrategy))  \(f(incrementalSeconds)) s, processor \(f(incrementalProcessorSeconds)) s   (MI \(f(finalMutualInformation)) bits, acc \(f(finalAccuracy)))",
            ]
            if let recomputeSeconds { lines.append("  incremental to k = \(k) (recompute)  \(f(recomputeSeconds)) s") }
            lines += [
                "  at k = \(naiveK): incremental \(f(incrementalSecondsAtNaiveK)) s, naive \(f(naiveSeconds)) s, speed-up \(String(format: "%.0f", speedupAtNaiveK))×",
                "  naive to k = \(k)\(naiveK == k ? "" : " (extrapolated)")  \(String(format: "%.1f", naiveSecondsExtrapolated)) s, speed-up \(String(format: "%.0f", speedupExtrapolated))×",
                "  same neurons: \(sameOrder ? "yes" : "NO"), largest relative MI difference \(String(format: "%.2e", largestRelativeDifference))",
            ]
            return lines.joined(separator: "\n")
        }
    }

    /// Generates data, fits the probe, and times both searches.
    ///
    /// - Parameters:
    ///   - neurons: D
    ///   - k: steps of the incremental search
    ///   - naiveK: steps of the naive search (it costs about D·labels·N·k²·…: keep it small)
    ///   - includeRecompute: also time the incremental search with strategy `.recompute`
    public static func run(neurons: Int = 768, trainExamples: Int = 20_000, devExamples: Int = 4_000,
                           classes: Int = 2, k: Int = 150, naiveK: Int = 10, seed: UInt64 = 1,
                           includeRecompute: Bool = true) -> Report {
        precondition(neurons > 0 && classes > 1 && trainExamples > 0 && devExamples > 0,
                     "GaussianRankingBenchmark: D \(neurons), \(classes) labels, \(trainExamples)/\(devExamples) examples")
        let k = min(k, neurons)
        let naiveK = min(naiveK, k)
        let data = SyntheticData(neurons: neurons, classes: classes, seed: seed)
        var random = SplitMix64(seed: seed &+ 0x5EED)
        let (train, trainLabels) = data.sample(count: trainExamples, using: &random)
        let (dev, devLabels) = data.sample(count: devExamples, using: &random)

        let clock = ContinuousClock()
        var start = clock.now
        let probe = GaussianProbe.fit(features: train, labels: trainLabels, classCount: classes)
        let fitSeconds = seconds(clock.now - start)

        var stepTimes: [Double] = []
        let processorStart = Foundation.clock()
        start = clock.now
        let incremental = GaussianRanking.rank(probe: probe, features: dev, labels: devLabels, maxNeurons: k) { _ in
            stepTimes.append(seconds(clock.now - start))
        }
        let incrementalSeconds = seconds(clock.now - start)
        let processorSeconds = Double(Foundation.clock() - processorStart) / Double(CLOCKS_PER_SEC)
        let residualBytes = classes * devExamples * neurons * MemoryLayout<Double>.stride
        let automatic = residualBytes <= GaussianRanking.residualMemoryLimit ? "residuals" : "recompute"

        var recomputeSeconds: Double?
        if includeRecompute && automatic == "residuals" {
            start = clock.now
            let again = GaussianRanking.rank(probe: probe, features: dev, labels: devLabels, maxNeurons: k, strategy: .recompute)
            recomputeSeconds = seconds(clock.now - start)
            precondition(again.order == incremental.order,
                         "GaussianRankingBenchmark: strategies disagree at step \(zip(again.order, incremental.order).prefix { $0 == $1 }.count + 1)")
        }

        start = clock.now
        let naive = GaussianRanking.naive(probe: probe, features: dev, labels: devLabels, maxNeurons: naiveK)
        let naiveSeconds = seconds(clock.now - start)

        var largest = 0.0
        for (a, b) in zip(incremental.mutualInformation, naive.mutualInformation) {
            largest = max(largest, abs(a - b) / max(abs(b), 1e-300))
        }
        var samples: [(s: Double, cost: Double)] = []
        if naiveK < k {
            let sizes = Set([naiveK + 1, naiveK + (k - naiveK) / 4, naiveK + (k - naiveK) / 2, naiveK + 3 * (k - naiveK) / 4, k])
            for size in sizes.sorted() {
                samples.append((Double(size), candidateSeconds(probe: probe, features: dev, labels: devLabels,
                                                               size: size, order: incremental.order)))
            }
        }
        let extrapolated = naiveSeconds + extrapolate(samples: samples, neurons: neurons, from: naiveK + 1, to: k)
        return Report(neurons: neurons, trainExamples: trainExamples, devExamples: devExamples, classes: classes,
                      k: k, naiveK: naiveK, threads: ProcessorCores.available,
                      fitSeconds: fitSeconds, incrementalSeconds: incrementalSeconds,
                      incrementalProcessorSeconds: processorSeconds,
                      incrementalStrategy: automatic, recomputeSeconds: recomputeSeconds,
                      incrementalSecondsAtNaiveK: naiveK > 0 ? stepTimes[naiveK - 1] : 0,
                      naiveSeconds: naiveSeconds, naiveSecondsExtrapolated: extrapolated,
                      naiveCandidateSeconds: samples.map { [$0.s, $0.cost] },
                      sameOrder: Array(incremental.order.prefix(naiveK)) == naive.order,
                      largestRelativeDifference: largest,
                      finalMutualInformation: incremental.mutualInformation.last ?? 0,
                      finalAccuracy: incremental.accuracy.last ?? 0)
    }

    /// Seconds the naive search spends on one candidate when the subset has `size` neurons: the
    /// first size − 1 neurons of `order` plus one more, evaluated from scratch (median of 5 tries).
    static func candidateSeconds(probe: GaussianProbe, features: Tensor, labels: [Int], size: Int, order: [Int]) -> Double {
        let (kept, keptLabels) = GaussianRanking.trainedExamples(probe: probe, features: features, labels: labels)
        let chosen = Array(order.prefix(size - 1))
        let others = (0..<probe.featureCount).filter { !chosen.contains($0) }
        let clock = ContinuousClock()
        var times: [Double] = []
        for attempt in 0..<5 {
            let start = clock.now
            if let scores = probe.logJoint(features: kept, neurons: chosen + [others[attempt % others.count]],
                                           minimumRelativePivot: GaussianRanking.minimumConditionalVariance) {
                _ = GaussianEvaluation(logJoint: scores, labels: keptLabels, classCount: probe.classCount)
            }
            times.append(seconds(clock.now - start))
        }
        return times.sorted()[times.count / 2]
    }

    /// Σ over steps s = from…to of (D − s + 1) candidates × c(s), with c(s) = α + β·s + γ·s² fitted to
    /// `samples` (subset size, seconds per candidate) by least squares; a simpler model when a
    /// coefficient comes out negative.
    static func extrapolate(samples: [(s: Double, cost: Double)], neurons: Int, from: Int, to k: Int) -> Double {
        guard !samples.isEmpty, from <= k else { return 0 }
        // The first model, most complete first, whose coefficients all come out non-negative.
        let models = [[0, 1, 2], [0, 2], [2], [0]].filter { $0.count <= samples.count }
        var powers = [0], coefficients = [samples.map(\.cost).reduce(0, +) / Double(samples.count)]
        for model in models {
            let fitted = leastSquares(samples, powers: model)
            if fitted.allSatisfy({ $0 >= 0 }) {
                powers = model
                coefficients = fitted
                break
            }
        }
        var total = 0.0
        for s in from...k {
            var cost = 0.0
            for (power, coefficient) in zip(powers, coefficients) { cost += coefficient * pow(Double(s), Double(power)) }
            total += cost * Double(neurons - s + 1)
        }
        return total
    }

    /// Least-squares coefficients of Σ cᵢ·s^pᵢ through the points (normal equations, tiny systems).
    static func leastSquares(_ points: [(s: Double, cost: Double)], powers: [Int]) -> [Double] {
        let m = powers.count
        var matrix = [Double](repeating: 0, count: m * m), vector = [Double](repeating: 0, count: m)
        for point in points {
            let basis = powers.map { pow(point.s, Double($0)) }
            for i in 0..<m {
                vector[i] += basis[i] * point.cost
                for j in 0..<m { matrix[i * m + j] += basis[i] * basis[j] }
            }
        }
        // Gaussian elimination with partial pivoting.
        for column in 0..<m {
            let pivot = (column..<m).max { abs(matrix[$0 * m + column]) < abs(matrix[$1 * m + column]) }!
            if pivot != column {
                for j in 0..<m { matrix.swapAt(column * m + j, pivot * m + j) }
                vector.swapAt(column, pivot)
            }
            let diagonal = matrix[column * m + column]
            guard diagonal != 0 else { continue }
            for row in (column + 1)..<max(m, column + 1) {
                let factor = matrix[row * m + column] / diagonal
                for j in column..<m { matrix[row * m + j] -= factor * matrix[column * m + j] }
                vector[row] -= factor * vector[column]
            }
        }
        var solution = [Double](repeating: 0, count: m)
        for row in stride(from: m - 1, through: 0, by: -1) {
            var value = vector[row]
            for j in (row + 1)..<max(m, row + 1) { value -= matrix[row * m + j] * solution[j] }
            let diagonal = matrix[row * m + row]
            solution[row] = diagonal != 0 ? value / diagonal : 0
        }
        return solution
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) * 1e-18
    }

    /// x = μ_y + B·f + s ⊙ ε with f ~ N(0, I_r) (r = min(32, D) shared factors, so neurons correlate),
    /// ε ~ N(0, I), per-neuron noise scales s ∈ [0.5, 1.5], and class means that differ strongly on
    /// a few neurons and weakly on most (mean offsets ∝ u⁴, u uniform). Labels follow p(y) ∝ 1/(1 + y/2).
    struct SyntheticData {
        let neurons: Int
        let classes: Int
        let factors: Int
        let means: [Float]      // [classes, neurons]
        let loadings: Tensor    // [neurons, factors]
        let noise: [Float]      // [neurons]
        let labelWeights: [Double]

        init(neurons: Int, classes: Int, seed: UInt64) {
            var random = SplitMix64(seed: seed)
            self.neurons = neurons
            self.classes = classes
            factors = min(32, neurons)
            // Scale so that Σ_d (mean gap / noise)² ≈ 12 for two labels whatever D is: about 96%
            // accuracy with all neurons, like a morphological attribute in a middle layer.
            let gap = Float((58.5 / Double(neurons)).squareRoot())
            let informativeness = (0..<neurons).map { _ -> Float in
                let u = Float(random.nextUnitDouble())
                return gap * u * u * u * u
            }
            var means = [Float](repeating: 0, count: classes * neurons)
            for label in 0..<classes {
                for j in 0..<neurons { means[label * neurons + j] = informativeness[j] * Float(Self.normal(&random)) }
            }
            self.means = means
            let scale = 1 / Float(factors).squareRoot()
            loadings = Tensor(shape: [neurons, factors],
                              scalars: (0..<(neurons * factors)).map { _ in Float(Self.normal(&random)) * scale })
            noise = (0..<neurons).map { _ in 0.5 + Float(random.nextUnitDouble()) }
            labelWeights = (0..<classes).map { 1 / (1 + Double($0) / 2) }
        }

        /// `count` examples and their labels.
        func sample(count: Int, using random: inout SplitMix64) -> (Tensor, [Int]) {
            let total = labelWeights.reduce(0, +)
            let labels = (0..<count).map { _ -> Int in
                var u = random.nextUnitDouble() * total
                for (label, weight) in labelWeights.enumerated() {
                    u -= weight
                    if u < 0 { return label }
                }
                return classes - 1
            }
            let latent = Tensor(shape: [count, factors], scalars: (0..<(count * factors)).map { _ in Float(Self.normal(&random)) })
            var x = latent.matmul(loadings, transposeOther: true)   // [count, neurons]
            for row in 0..<count {
                let label = labels[row]
                for j in 0..<neurons {
                    x.scalars[row * neurons + j] += means[label * neurons + j] + noise[j] * Float(Self.normal(&random))
                }
            }
            return (x, labels)
        }

        /// A standard normal draw (Box–Muller, one of the pair).
        static func normal(_ random: inout SplitMix64) -> Double {
            let u = max(random.nextUnitDouble(), 1e-300)
            let v = random.nextUnitDouble()
            return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
        }
    }
}
