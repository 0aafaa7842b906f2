import Foundation
import Kernels
import Support

/// The incremental greedy search: one Cholesky row per label per step (Torroba Hennigen et al. 2020
/// §4 made incremental; see ``GaussianRanking``).
extension GaussianRanking {
    /// One greedy step's outcome.
    struct Step {
        var neuron: Int
        var mutualInformation: Double
        var accuracy: Double
    }

    /// Search state for one probe and one evaluation split. Owns its buffers; single-threaded API,
    /// parallel inside ``step()``.
    ///
    /// Per trained label a (k = |F| neurons chosen so far, D neurons, N examples):
    /// - `factorRows` [K, D]: rows of L⁻¹Σ[F, :], the Cholesky factor of Σ[F,F] extended to every
    ///   column (its column d is l = L⁻¹Σ[F,d] for candidate d);
    /// - `conditional` [D]: δ²_d = Σ[d,d] − ‖l_d‖², the variance of x_d given x_F;
    /// - `quadratic` [N] and `logDeterminant`: ‖L⁻¹(x_F − μ_F)‖² per example and log det Σ[F,F];
    /// - `store`: either the residuals [N, D] (strategy `.residuals`) x_d − μ_d − l_d·L⁻¹(x_F − μ_F),
    ///   updated by one rank-1 product per step (applied lazily, inside the next scoring pass), or the
    ///   whitened examples [N, K] (strategy `.recompute`) L⁻¹(x_F − μ_F), from which each pass
    ///   recomputes the residuals in row blocks by a GEMM.
    ///
    /// Per-thread partial sums are added in thread order, so results are deterministic for a given
    /// thread count (they can differ in the last bits between machines with other core counts).
    final class IncrementalSearch {
        let probe: GaussianProbe
        let features: Tensor
        /// Trained labels (classes with training examples), in class order.
        let classes: [Int]
        /// Label per example as an index into `classes`.
        let labels: [Int]
        let logPrior: [Double]
        /// Σ[d,d] per trained label: [labels, D].
        let diagonal: [Double]
        /// Entropy of the evaluation labels, nats.
        let labelEntropy: Double
        let useResiduals: Bool
        let n: Int, d: Int, c: Int
        /// Most steps the buffers hold (`maxNeurons`, at most D).
        let capacity: Int
        let threads: Int
        /// Rows per GEMM block and thread (strategy `.recompute`).
        let blockRows: Int
        private(set) var chosen = 0
        private var selected: [Bool]
        private var logDeterminant: [Double]

        private let factorRows: UnsafeMutablePointer<Double>   // [c, capacity, d]
        private let conditional: UnsafeMutablePointer<Double>  // [c, d]
        private let quadratic: UnsafeMutablePointer<Double>    // [c, n]
        private let store: UnsafeMutablePointer<Double>        // residuals [c, n, d] or whitened [c, n, capacity]
        private let tiles: UnsafeMutablePointer<Double>?       // [threads, c, blockRows, d] (recompute)
        private let meanRows: UnsafeMutablePointer<Double>     // [c, d]
        private let pendingWhitened: UnsafeMutablePointer<Double>  // [c, n]
        private let pendingRow: UnsafeMutablePointer<Double>   // [c, d]
        private let inverseVariance: UnsafeMutablePointer<Double>  // [c, d]
        private let constant: UnsafeMutablePointer<Double>     // [c, d]
        private let scratch: UnsafeMutablePointer<Double>      // [threads, (c + 4)·d]
        private let accumulators: UnsafeMutablePointer<Double> // [threads, d]
        private let column: UnsafeMutablePointer<Double>       // [n]
        private let coefficients: UnsafeMutablePointer<Double> // [capacity]
        private let labelIndex: UnsafeMutablePointer<Int>      // [n]

        init(probe: GaussianProbe, features: Tensor, labels: [Int], maxNeurons: Int, strategy: Strategy,
             threads: Int = ProcessorCores.available) {
            let (kept, keptLabels) = GaussianRanking.trainedExamples(probe: probe, features: features, labels: labels)
            self.probe = probe
            self.features = kept
            classes = (0..<probe.classCount).filter { probe.isTrained($0) }
            precondition(!classes.isEmpty, "GaussianRanking: the probe has no trained label")
            var position = [Int](repeating: -1, count: probe.classCount)
            for (index, label) in classes.enumerated() { position[label] = index }
            self.labels = keptLabels.map { position[$0] }
            logPrior = classes.map { Foundation.log(probe.prior[$0]) }
            n = kept.rows
            d = probe.featureCount
            c = classes.count
            capacity = min(max(maxNeurons, 0), probe.featureCount)
            var counts = [Int](repeating: 0, count: c)
            for label in self.labels { counts[label] += 1 }
            labelEntropy = GaussianProbe.entropy(counts.map { Double($0) / Double(max(kept.rows, 1)) })
            var diagonal = [Double](repeating: 0, count: c * d)
            for (a, label) in classes.enumerated() {
                for j in 0..<d { diagonal[a * d + j] = probe.covariance(label: label, j, j) }
            }
            self.diagonal = diagonal
            switch strategy {
            case .residuals: useResiduals = true
            case .recompute: useResiduals = false
            case .automatic: useResiduals = c * n * d * MemoryLayout<Double>.stride <= GaussianRanking.residualMemoryLimit
            }
            self.threads = max(1, min(threads, n / 32))
            blockRows = max(1, min(n, 256))
            selected = [Bool](repeating: false, count: d)
            logDeterminant = [Double](repeating: 0, count: c)

            factorRows = .allocate(capacity: max(1, c * capacity * d))
            conditional = .allocate(capacity: max(1, c * d))
            conditional.initialize(from: diagonal, count: c * d)
            quadratic = .allocate(capacity: max(1, c * n))
            quadratic.initialize(repeating: 0, count: c * n)
            store = .allocate(capacity: max(1, useResiduals ? c * n * d : c * n * capacity))
            tiles = useResiduals ? nil : .allocate(capacity: max(1, self.threads * c * blockRows * d))
            meanRows = .allocate(capacity: max(1, c * d))
            pendingWhitened = .allocate(capacity: max(1, c * n))
            pendingWhitened.initialize(repeating: 0, count: max(1, c * n))
            pendingRow = .allocate(capacity: max(1, c * d))
            pendingRow.initialize(repeating: 0, count: max(1, c * d))
            inverseVariance = .allocate(capacity: max(1, c * d))
            constant = .allocate(capacity: max(1, c * d))
            scratch = .allocate(capacity: max(1, self.threads * CandidateKernel.scratchSize(classCount: c, width: d)))
            accumulators = .allocate(capacity: max(1, self.threads * d))
            column = .allocate(capacity: max(1, n))
            coefficients = .allocate(capacity: max(1, capacity))
            labelIndex = .allocate(capacity: max(1, n))
            labelIndex.initialize(from: self.labels, count: n)

            for (a, label) in classes.enumerated() {
                for j in 0..<d { meanRows[a * d + j] = probe.means[label * d + j] }
            }
            if useResiduals {
                // F = ∅: the residual is x − μ.
                kept.scalars.withUnsafeBufferPointer { x in
                    for a in 0..<c {
                        for row in 0..<n {
                            let target = store + a * n * d + row * d
                            let source = x.baseAddress! + row * d
                            for j in 0..<d { target[j] = Double(source[j]) - meanRows[a * d + j] }
                        }
                    }
                }
            }
        }

        deinit {
            for pointer in [factorRows, conditional, quadratic, store, pendingWhitened, pendingRow,
                            inverseVariance, constant, scratch, accumulators, column, coefficients, meanRows] {
                pointer.deallocate()
            }
            tiles?.deallocate()
            labelIndex.deallocate()
        }

        /// Scores every remaining neuron, adds the best one to F and updates the factors.
        ///
        /// - Returns: nil when every neuron is chosen or none adds a new direction.
        func step() -> Step? {
            guard chosen < capacity, n > 0 else { return nil }
            let k = chosen
            let logTwoPi = Foundation.log(2 * Double.pi)

            // Per label and candidate: 1/δ² and the part of the log-likelihood that does not depend on the example.
            var valid = selected.map { !$0 }
            for a in 0..<c {
                for j in 0..<d where valid[j] {
                    let variance = conditional[a * d + j]
                    if !(variance > GaussianRanking.minimumConditionalVariance * diagonal[a * d + j]) { valid[j] = false }
                }
            }
            for a in 0..<c {
                let base = logPrior[a] - 0.5 * (Double(k + 1) * logTwoPi + logDeterminant[a])
                for j in 0..<d {
                    if valid[j] {
                        let variance = conditional[a * d + j]
                        inverseVariance[a * d + j] = 1 / variance
                        constant[a * d + j] = base - 0.5 * Foundation.log(variance)
                    } else {
                        inverseVariance[a * d + j] = 0
                        constant[a * d + j] = 0
                    }
                }
            }

            // Σ over examples of log p(y | x_{F∪d}) for every candidate d.
            scoreCandidates(chosen: k)
            var best = -1
            var bestScore = -Double.infinity
            for j in 0..<d where valid[j] {
                var total = 0.0
                for t in 0..<threads { total += accumulators[t * d + j] }
                if best < 0 || total > bestScore {
                    best = j
                    bestScore = total
                }
            }
            guard best >= 0 else { return nil }
            append(best)
            let information = (labelEntropy + bestScore / Double(n)) / Foundation.log(2)
            return Step(neuron: best, mutualInformation: information, accuracy: currentAccuracy())
        }

        /// Extends every label's factor by neuron `j` (one Cholesky row) and whitens its column.
        private func append(_ j: Int) {
            let k = chosen
            features.scalars.withUnsafeBufferPointer { x in
                probe.covariances.withUnsafeBufferPointer { sigma in
                    for (a, label) in classes.enumerated() {
                        let variance = conditional[a * d + j]
                        let delta = variance.squareRoot()
                        let rows = factorRows + a * capacity * d
                        for i in 0..<k { coefficients[i] = rows[i * d + j] }   // l = L⁻¹Σ[F, j]
                        // Residual of x_j given x_F, for every example.
                        if useResiduals {
                            let residuals = store + a * n * d
                            for row in 0..<n { column[row] = residuals[row * d + j] }
                        } else {
                            let mean = meanRows[a * d + j]
                            for row in 0..<n {
                                let whitened = store + a * n * capacity + row * capacity
                                column[row] = Double(x[row * d + j]) - mean - GaussianProbe.dot(whitened, coefficients, count: k)
                            }
                        }
                        // New row of L⁻¹Σ[F∪j, :]: (Σ[j, :] − lᵀ L⁻¹Σ[F, :]) / δ.
                        let newRow = rows + k * d
                        newRow.update(from: sigma.baseAddress! + label * d * d + j * d, count: d)
                        for i in 0..<k {
                            let weight = coefficients[i], previous = rows + i * d
                            for t in 0..<d { newRow[t] -= weight * previous[t] }
                        }
                        let inverseDelta = 1 / delta
                        let variances = conditional + a * d
                        for i in 0..<d {
                            newRow[i] *= inverseDelta
                            variances[i] -= newRow[i] * newRow[i]
                        }
                        let quadratics = quadratic + a * n
                        for row in 0..<n {
                            let z = column[row] * inverseDelta
                            quadratics[row] += z * z
                            if useResiduals {
                                pendingWhitened[a * n + row] = z
                            } else {
                                store[a * n * capacity + row * capacity + k] = z
                            }
                        }
                        if useResiduals { (pendingRow + a * d).update(from: newRow, count: d) }
                        logDeterminant[a] += Foundation.log(variance)
                    }
                }
            }
            selected[j] = true
            chosen += 1
        }

        /// Accuracy of the probe restricted to the chosen neurons.
        private func currentAccuracy() -> Double {
            var correct = 0
            for row in 0..<n {
                var best = 0
                var bestScore = -Double.infinity
                for a in 0..<c {
                    let score = logPrior[a] - 0.5 * (quadratic[a * n + row] + logDeterminant[a])
                    if score > bestScore {
                        bestScore = score
                        best = a
                    }
                }
                if best == labels[row] { correct += 1 }
            }
            return Double(correct) / Double(n)
        }

        private func makeKernel(residuals: UnsafeMutablePointer<Double>, labelStride: Int, firstRow: Int) -> CandidateKernel {
            CandidateKernel(width: d, classCount: c, exampleCount: n, labels: labelIndex,
                            residuals: residuals, labelStride: labelStride, firstRow: firstRow,
                            quadratic: quadratic,
                            pendingWhitened: pendingWhitened, pendingRow: pendingRow,
                            inverseVariance: inverseVariance, constant: constant)
        }

        /// One pass over the examples, split into one contiguous row range per thread; each thread
        /// adds into its own accumulator row.
        private func scoreCandidates(chosen k: Int) {
            accumulators.update(repeating: 0, count: threads * d)
            features.scalars.withUnsafeBufferPointer { x in
                let pass = Pass(kernel: makeKernel(residuals: store, labelStride: n * d, firstRow: 0),
                                useResiduals: useResiduals, features: x.baseAddress!, means: meanRows,
                                whitened: store, factorRows: factorRows, tiles: tiles, blockRows: blockRows,
                                capacity: capacity, chosen: k, scratch: scratch, accumulators: accumulators,
                                scratchSize: CandidateKernel.scratchSize(classCount: c, width: d))
                let examples = n, parts = min(threads, n)
                let size = (examples + parts - 1) / parts
                if parts <= 1 {
                    pass.run(part: 0, rows: 0..<examples)
                } else {
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        let lower = part * size, upper = min(examples, lower + size)
                        if lower < upper { pass.run(part: part, rows: lower..<upper) }
                    }
                }
            }
            if useResiduals { pendingRow.update(repeating: 0, count: c * d) }   // applied by the pass
        }
    }

    /// What one thread needs for its share of a scoring pass.
    struct Pass: @unchecked Sendable {
        var kernel: CandidateKernel
        var useResiduals: Bool
        /// [N, D] evaluation features; [labels, D] means (strategy `.recompute`).
        var features: UnsafePointer<Float>
        var means: UnsafePointer<Double>
        /// [labels, N, capacity] whitened examples and [labels, capacity, D] rows of L⁻¹Σ[F, :].
        var whitened: UnsafePointer<Double>
        var factorRows: UnsafePointer<Double>
        /// [threads, labels, blockRows, D] residual tiles (strategy `.recompute`).
        var tiles: UnsafeMutablePointer<Double>?
        var blockRows: Int
        var capacity: Int
        var chosen: Int
        /// [threads, scratchSize] and [threads, D].
        var scratch: UnsafeMutablePointer<Double>
        var accumulators: UnsafeMutablePointer<Double>
        var scratchSize: Int

        func run(part: Int, rows: Range<Int>) {
            let d = kernel.width, c = kernel.classCount, n = kernel.exampleCount, k = chosen
            let scratch = self.scratch + part * scratchSize, accumulator = accumulators + part * d
            guard !useResiduals, let tiles else {
                kernel.run(rows: rows, scratch: scratch, accumulator: accumulator)
                return
            }
            // Residuals x − μ − Z·(L⁻¹Σ[F, :]) per block of rows, by a single-threaded GEMM.
            let tile = tiles + part * c * blockRows * d
            var start = rows.lowerBound
            while start < rows.upperBound {
                let count = Swift.min(blockRows, rows.upperBound - start)
                for a in 0..<c {
                    let target = tile + a * blockRows * d, mean = means + a * d
                    for r in 0..<count {
                        let source = features + (start + r) * d, row = target + r * d
                        for j in 0..<d { row[j] = Double(source[j]) - mean[j] }
                    }
                    if k > 0 {
                        BLAS.gemm(m: count, n: d, k: k, alpha: -1,
                                  a: whitened + a * n * capacity + start * capacity, lda: capacity,
                                  b: factorRows + a * capacity * d, ldb: d,
                                  beta: 1, c: target, ldc: d)
                    }
                }
                var block = kernel
                block.residuals = tile
                block.labelStride = blockRows * d
                block.firstRow = start
                block.run(rows: start..<(start + count), scratch: scratch, accumulator: accumulator)
                start += count
            }
        }
    }
}
