import Foundation
import Kernels
import Support

/// Exact t-SNE (van der Maaten & Hinton 2008) of a few hundred points into two dimensions, with
/// the optimiser settings of the paper and scikit-learn's exact method.
///
/// - Input affinities: squared Euclidean distances (one GEMM), Gaussian p(j | i) calibrated to the
///   perplexity per point (`PerplexityCalibration`, §2), symmetrised pᵢⱼ = (p(j|i) + p(i|j)) / 2n (§3.1).
/// - Output affinities: Student-t with one degree of freedom, qᵢⱼ ∝ (1 + ‖yᵢ − yⱼ‖²)⁻¹ (eq. 4).
/// - Gradient: 4 Σⱼ (pᵢⱼ − qᵢⱼ)(yᵢ − yⱼ)(1 + ‖yᵢ − yⱼ‖²)⁻¹ (eq. 5), of KL(P ‖ Q).
/// - Optimiser: gradient descent with momentum (eq. 7 in §3.4), 0.5 during early exaggeration
///   (P × 12 for the first 250 iterations) and 0.8 afterwards, adaptive per-coordinate gains
///   (Jacobs 1988: +0.2 when the step changes sign, × 0.8 otherwise, floored at 0.01), learning rate
///   200 or scikit-learn's "auto" max(n / exaggeration / 4, 50); momentum buffer and gains restart
///   between the two phases, as in scikit-learn. Every 50 iterations it stops, as scikit-learn does,
///   when the gain-scaled gradient norm is at most `minGradientNorm` or the KL divergence has not
///   improved for `iterationsWithoutProgress` iterations. Given the same P and starting layout, the
///   steps are scikit-learn's `method="exact"` steps (checked against scikit-learn 1.9).
/// - Initialisation: seeded Gaussian with standard deviation 1e-4.
///
/// Cost O(n² · d) once plus O(n²) per iteration; meant for tens to a few hundred points (the configs
/// of a study: Antverg & Belinkov 2022, App. A.6 project their K-means clusters with it).
///
/// ```swift
/// let map = TSNE(curves, options: .init(perplexity: 30, seed: 1))
/// map.embedding   // [configs, 2]
/// ```
public struct TSNE: Sendable, Equatable {
    /// The step size of gradient descent.
    public enum LearningRate: Sendable, Hashable {
        /// A fixed rate (the paper and older scikit-learn: 200).
        case fixed(Double)
        /// scikit-learn's "auto": max(n / earlyExaggeration / 4, 50).
        case auto
    }

    /// Settings of one run; the defaults are the paper's.
    public struct Options: Sendable, Hashable {
        /// Effective number of neighbours; must be below the number of points.
        public var perplexity: Double
        /// Total gradient-descent iterations (early exaggeration included).
        public var iterations: Int
        /// Factor on P during the first `exaggerationIterations`.
        public var earlyExaggeration: Double
        /// Iterations with exaggerated P and `initialMomentum`.
        public var exaggerationIterations: Int
        /// Step size.
        public var learningRate: LearningRate
        /// Momentum during early exaggeration.
        public var initialMomentum: Double
        /// Momentum afterwards.
        public var finalMomentum: Double
        /// Floor of the adaptive gains.
        public var minGain: Double
        /// Standard deviation of the Gaussian initial layout.
        public var initialStandardDeviation: Double
        /// Stop when the norm of the gain-scaled gradient is at most this (checked every 50 iterations).
        public var minGradientNorm: Double
        /// Stop when the KL divergence has not improved for more than this many iterations
        /// (checked every 50 iterations, after early exaggeration only in effect).
        public var iterationsWithoutProgress: Int
        /// Seed of the initial layout.
        public var seed: UInt64

        /// Settings with the paper's defaults unless given.
        public init(perplexity: Double = 30, iterations: Int = 1000, earlyExaggeration: Double = 12,
                    exaggerationIterations: Int = 250, learningRate: LearningRate = .fixed(200),
                    initialMomentum: Double = 0.5, finalMomentum: Double = 0.8, minGain: Double = 0.01,
                    initialStandardDeviation: Double = 1e-4, minGradientNorm: Double = 1e-7,
                    iterationsWithoutProgress: Int = 300, seed: UInt64 = 0) {
            self.perplexity = perplexity
            self.iterations = iterations
            self.earlyExaggeration = earlyExaggeration
            self.exaggerationIterations = exaggerationIterations
            self.learningRate = learningRate
            self.initialMomentum = initialMomentum
            self.finalMomentum = finalMomentum
            self.minGain = minGain
            self.initialStandardDeviation = initialStandardDeviation
            self.minGradientNorm = minGradientNorm
            self.iterationsWithoutProgress = iterationsWithoutProgress
            self.seed = seed
        }
    }

    /// The objective at one iteration.
    public struct Checkpoint: Sendable, Hashable {
        /// Iterations done (1-based).
        public var iteration: Int
        /// KL(P ‖ Q) with the true, unexaggerated P.
        public var klDivergence: Double
        /// Euclidean norm of the gain-scaled gradient of the optimised objective (exaggerated P early
        /// on), as scikit-learn reports it.
        public var gradientNorm: Double
    }

    /// The layout: [n, 2].
    public let embedding: Tensor
    /// KL(P ‖ Q) of the final layout.
    public let klDivergence: Double
    /// Iterations run (fewer than asked when the gradient vanished or the KL stopped improving).
    public let iterations: Int
    /// The objective every 50 iterations, and at the last one.
    ///
    /// Each checkpoint holds the KL divergence of the layout that its iteration started from.
    public let trace: [Checkpoint]
    /// The settings used.
    public let options: Options

    /// Embeds the rows of `data`.
    ///
    /// - Parameters:
    ///   - data: [n, d], n ≥ 2.
    ///   - options: perplexity (< n), schedule, seed.
    ///   - initialLayout: [n, 2] starting coordinates instead of the seeded Gaussian (e.g. a PCA).
    public init(_ data: Tensor, options: Options = Options(), initialLayout: Tensor? = nil) {
        precondition(data.shape.count == 2, "TSNE: expected a matrix [n, d], got shape \(data.shape)")
        self.init(squaredDistances: SquaredDistances.pairwise(data), count: data.rows, options: options,
                  initialLayout: initialLayout)
    }

    /// Embeds points given their squared distances.
    ///
    /// - Parameters:
    ///   - squaredDistances: n × n row-major squared distances.
    ///   - count: n ≥ 2.
    ///   - options: perplexity (< n), schedule, seed.
    ///   - initialLayout: [n, 2] starting coordinates instead of the seeded Gaussian.
    public init(squaredDistances: [Double], count n: Int, options: Options = Options(), initialLayout: Tensor? = nil) {
        precondition(options.iterations >= 0 && options.exaggerationIterations >= 0,
                     "TSNE: iteration counts must be ≥ 0, got \(options.iterations) and \(options.exaggerationIterations)")
        let calibration = PerplexityCalibration(squaredDistances: squaredDistances, count: n,
                                                perplexity: options.perplexity)
        self.init(joint: calibration.joint, count: n, options: options, initialLayout: initialLayout)
    }

    /// Optimises a layout for the joint probabilities `joint` (n × n, symmetric, summing to 1).
    init(joint p: [Double], count n: Int, options: Options, initialLayout: Tensor?) {
        self.options = options
        let rate: Double
        switch options.learningRate {
        case .fixed(let value): rate = value
        case .auto: rate = max(Double(n) / options.earlyExaggeration / 4, 50)
        }

        var y = [Double](repeating: 0, count: 2 * n)
        if let initialLayout {
            precondition(initialLayout.shape == [n, 2], "TSNE: initial layout \(initialLayout.shape) is not [\(n), 2]")
            y = initialLayout.scalars.map(Double.init)
        } else {
            var rng = SplitMix64(seed: options.seed)
            for index in stride(from: 0, to: 2 * n, by: 2) {
                // Box–Muller: two independent standard normals from two uniforms.
                let u1 = max(rng.nextUnitDouble(), .leastNormalMagnitude), u2 = rng.nextUnitDouble()
                let radius = (-2 * Foundation.log(u1)).squareRoot() * options.initialStandardDeviation
                y[index] = radius * Foundation.cos(2 * .pi * u2)
                y[index + 1] = radius * Foundation.sin(2 * .pi * u2)
            }
        }

        var pLogP = 0.0
        for value in p where value > 0 { pLogP += value * Foundation.log(value) }

        var update = [Double](repeating: 0, count: 2 * n)
        var gains = [Double](repeating: 1, count: 2 * n)
        var gradient = [Double](repeating: 0, count: 2 * n)
        var kernel = [Double](repeating: 0, count: n * n)   // (1 + ‖yᵢ − yⱼ‖²)⁻¹, zero diagonal
        var trace: [Checkpoint] = []
        var done = 0
        // Two phases as in scikit-learn's `_tsne`, each a fresh `_gradient_descent` (momentum buffer,
        // gains and progress bookkeeping restart): early exaggeration, then the rest.
        let phases = [(0, min(options.exaggerationIterations, options.iterations), options.earlyExaggeration,
                       options.initialMomentum),
                      (min(options.exaggerationIterations, options.iterations), options.iterations, 1.0,
                       options.finalMomentum)]
        phases: for (first, end, exaggeration, momentum) in phases where first < end {
            for index in 0..<(2 * n) { update[index] = 0; gains[index] = 1 }
            var bestError = Double.infinity, bestIteration = first
            for iteration in first..<end {
                let checking = (iteration + 1) % 50 == 0
                let last = iteration + 1 == options.iterations
                let evaluated = Self.evaluate(joint: p, pLogP: pLogP, exaggeration: exaggeration, layout: y, count: n,
                                              kernel: &kernel, gradient: &gradient, computeKL: checking || last)
                // Gains (delta-bar-delta), momentum step.
                var squaredNorm = 0.0
                for index in 0..<(2 * n) {
                    if update[index] * gradient[index] < 0 {
                        gains[index] += 0.2
                    } else {
                        gains[index] *= 0.8
                    }
                    gains[index] = max(gains[index], options.minGain)
                    let step = gains[index] * gradient[index]
                    squaredNorm += step * step
                    update[index] = momentum * update[index] - rate * step
                    y[index] += update[index]
                }
                done = iteration + 1
                guard checking || last else { continue }
                let gradientNorm = squaredNorm.squareRoot()
                // The objective of the layout this step started from.
                trace.append(Checkpoint(iteration: done, klDivergence: evaluated.klDivergence, gradientNorm: gradientNorm))
                guard checking else { continue }
                if evaluated.klDivergence < bestError {
                    bestError = evaluated.klDivergence
                    bestIteration = iteration
                } else if iteration - bestIteration > options.iterationsWithoutProgress {
                    break phases
                }
                if gradientNorm <= options.minGradientNorm { break phases }
            }
        }
        // The KL of the final layout (the loop's value is for the layout before the last step).
        klDivergence = Self.klDivergence(joint: p, layout: y, count: n)
        iterations = done
        self.trace = trace
        embedding = Tensor(shape: [n, 2], scalars: y.map(Float.init))
    }

    /// KL(P ‖ Q) of a layout and the gradient of KL(exaggeration·P ‖ Q) with respect to it (eq. 5).
    ///
    /// - Parameters:
    ///   - joint: P, n × n.
    ///   - pLogP: Σ pᵢⱼ ln pᵢⱼ (a constant of the run).
    ///   - exaggeration: factor on P in the gradient (1 outside early exaggeration).
    ///   - layout: [n × 2] row-major.
    ///   - kernel: n × n scratch, receives (1 + ‖yᵢ − yⱼ‖²)⁻¹ with a zero diagonal.
    ///   - gradient: [n × 2], receives 4 Σⱼ (exaggeration·pᵢⱼ − qᵢⱼ)(1 + ‖yᵢ − yⱼ‖²)⁻¹ (yᵢ − yⱼ).
    ///   - computeKL: whether to compute the KL divergence (n² logarithms); NaN when not.
    /// - Returns: KL(P ‖ Q) with the unexaggerated P, and the gradient's Euclidean norm.
    static func evaluate(joint p: [Double], pLogP: Double, exaggeration: Double, layout y: [Double], count n: Int,
                         kernel: inout [Double], gradient: inout [Double],
                         computeKL: Bool = true) -> (klDivergence: Double, gradientNorm: Double) {
        var z = 0.0
        for i in 0..<n {
            let yi0 = y[2 * i], yi1 = y[2 * i + 1]
            for j in (i + 1)..<n {
                let d0 = yi0 - y[2 * j], d1 = yi1 - y[2 * j + 1]
                let value = 1 / (1 + d0 * d0 + d1 * d1)
                kernel[i * n + j] = value
                kernel[j * n + i] = value
                z += 2 * value
            }
        }
        var kl = Double.nan
        if computeKL {
            // KL = Σ p ln p − Σ p ln k + (Σ p) ln Z, as q = k / Z.
            var pLogKernel = 0.0, pSum = 0.0
            for i in 0..<n {
                for j in (i + 1)..<n {
                    pLogKernel += 2 * p[i * n + j] * Foundation.log(kernel[i * n + j])
                    pSum += 2 * p[i * n + j]
                }
            }
            kl = pLogP - pLogKernel + pSum * Foundation.log(z)
        }

        let inverseZ = 1 / z
        var squaredNorm = 0.0
        for i in 0..<n {
            var g0 = 0.0, g1 = 0.0
            let yi0 = y[2 * i], yi1 = y[2 * i + 1]
            for j in 0..<n where j != i {
                let k = kernel[i * n + j]
                let weight = (exaggeration * p[i * n + j] - k * inverseZ) * k
                g0 += weight * (yi0 - y[2 * j])
                g1 += weight * (yi1 - y[2 * j + 1])
            }
            gradient[2 * i] = 4 * g0
            gradient[2 * i + 1] = 4 * g1
            squaredNorm += 16 * (g0 * g0 + g1 * g1)
        }
        return (kl, squaredNorm.squareRoot())
    }

    /// KL(P ‖ Q) for joint probabilities `p` (n × n) and a layout [n × 2] (row-major, Double).
    ///
    /// q is floored at Double's machine epsilon, as in scikit-learn.
    public static func klDivergence(joint p: [Double], layout y: [Double], count n: Int) -> Double {
        precondition(p.count == n * n && y.count == 2 * n,
                     "TSNE: \(p.count) probabilities and \(y.count) coordinates do not fit \(n) points")
        var z = 0.0
        var kernel = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let d0 = y[2 * i] - y[2 * j], d1 = y[2 * i + 1] - y[2 * j + 1]
                let value = 1 / (1 + d0 * d0 + d1 * d1)
                kernel[i * n + j] = value
                kernel[j * n + i] = value
                z += 2 * value
            }
        }
        var kl = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i && p[i * n + j] > 0 {
                let q = max(kernel[i * n + j] / z, Double.ulpOfOne)
                kl += p[i * n + j] * Foundation.log(p[i * n + j] / q)
            }
        }
        return kl
    }
}
