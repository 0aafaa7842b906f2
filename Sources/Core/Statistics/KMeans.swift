import Foundation
import Kernels
import Support

/// K-means clustering of the rows of a matrix: Lloyd's algorithm (Lloyd 1982) from k-means++
/// starts (Arthur & Vassilvitskii 2007), restarted several times, keeping the lowest inertia.
///
/// The seeding is the greedy k-means++ that scikit-learn uses: each new centre is the best, by
/// resulting inertia, of `2 + ⌊ln k⌋` candidates drawn with probability ∝ D(x)². Lloyd iterations
/// stop when no assignment changes, when the centres move less than `tolerance` × (mean column
/// variance) in total squared shift (scikit-learn's criterion), or after `maxIterations`. A cluster
/// that empties takes the point farthest from its centre (with fewer distinct rows than k some
/// clusters can still end empty, as in scikit-learn; `clusterSizes` shows it). Everything is drawn from one `SplitMix64`, so a
/// seed fixes the result. Cluster labels are renumbered in order of first appearance (point 0 is
/// always in cluster 0), which makes results comparable across seeds up to genuine differences.
/// Antverg & Belinkov (2022, App. A.6) cluster the probing curves of all configs with K = 3.
///
/// ```swift
/// let clusters = KMeans(curves, clusters: 3, seed: 7)   // curves: [configs, 8 × 150]
/// clusters.assignments   // [configs], values 0..<3
/// ```
public struct KMeans: Sendable, Equatable {
    /// The cluster of each row, in 0..<k.
    public let assignments: [Int]
    /// The cluster centres: [k, d].
    public let centroids: Tensor
    /// Sum over rows of the squared distance to the row's centre (in Double).
    public let inertia: Double
    /// Lloyd iterations of the kept run.
    public let iterations: Int
    /// Whether the kept run stopped before `maxIterations`.
    public let converged: Bool

    /// Number of clusters.
    public var clusterCount: Int { centroids.rows }

    /// Number of rows in each cluster.
    public var clusterSizes: [Int] {
        var sizes = [Int](repeating: 0, count: clusterCount)
        for label in assignments { sizes[label] += 1 }
        return sizes
    }

    /// Clusters the rows of `data`.
    ///
    /// - Parameters:
    ///   - data: [n, d] with n ≥ k.
    ///   - clusters: k ≥ 1.
    ///   - seed: fixes the k-means++ draws of every restart.
    ///   - restarts: independent k-means++ starts (scikit-learn's `n_init`); the lowest inertia wins.
    ///   - maxIterations: Lloyd iterations per start.
    ///   - tolerance: relative centre-shift tolerance (scikit-learn's `tol`).
    public init(_ data: Tensor, clusters k: Int, seed: UInt64 = 0, restarts: Int = 10,
                maxIterations: Int = 300, tolerance: Double = 1e-4) {
        precondition(data.shape.count == 2, "KMeans: expected a matrix [n, d], got shape \(data.shape)")
        let n = data.rows, d = data.columns
        precondition(k >= 1 && k <= n, "KMeans: need 1 ≤ k ≤ n, got k = \(k), n = \(n)")
        precondition(restarts >= 1, "KMeans: restarts must be ≥ 1, got \(restarts)")
        precondition(maxIterations >= 1, "KMeans: maxIterations must be ≥ 1, got \(maxIterations)")

        // Work on centred data: distances are unchanged and the GEMM form loses less precision.
        let means = SquaredDistances.columnMeans(data)
        let x = SquaredDistances.centred(data, on: means)
        let pointNorms = SquaredDistances.rowSquaredNorms(x)
        var meanVariance = 0.0
        for norm in pointNorms { meanVariance += norm }
        meanVariance /= Double(n) * Double(max(d, 1))
        let shiftTolerance = tolerance * meanVariance

        var rng = SplitMix64(seed: seed)
        var best: Run?
        for _ in 0..<restarts {
            let start = Self.plusPlusCentres(x, k: k, rng: &rng)
            let run = Self.lloyd(x, centres: start, maxIterations: maxIterations,
                                 shiftTolerance: shiftTolerance)
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        let kept = best!

        // Renumber clusters in order of first appearance; move centres back to the data's frame.
        var relabel = [Int](repeating: -1, count: k)
        var next = 0
        for label in kept.assignments where relabel[label] < 0 {
            relabel[label] = next
            next += 1
        }
        for label in 0..<k where relabel[label] < 0 {  // clusters left empty (fewer distinct rows than k)
            relabel[label] = next
            next += 1
        }
        var centres = [Float](repeating: 0, count: k * d)
        for label in 0..<k {
            for j in 0..<d { centres[relabel[label] * d + j] = Float(kept.centres[label * d + j] + means[j]) }
        }
        assignments = kept.assignments.map { relabel[$0] }
        centroids = Tensor(shape: [k, d], scalars: centres)
        inertia = kept.inertia
        iterations = kept.iterations
        converged = kept.converged
    }

    /// One Lloyd run's outcome; centres are in Double, in the centred frame.
    struct Run {
        var assignments: [Int]
        var centres: [Double]
        var inertia: Double
        var iterations: Int
        var converged: Bool
    }

    /// Greedy k-means++ seeding: k rows of `x` as starting centres ([k × d], row-major).
    static func plusPlusCentres(_ x: Tensor, k: Int, rng: inout SplitMix64) -> [Double] {
        let n = x.rows, d = x.columns
        let trials = 2 + Int(Foundation.log(Double(k)))
        var chosen = [Self.uniformIndex(n, &rng)]
        var closest = Self.squaredDistances(from: x, rows: chosen)[0]
        var potential = closest.reduce(0, +)
        while chosen.count < k {
            // Candidates drawn ∝ D², by inverse CDF over the running distances.
            var candidates: [Int] = []
            for _ in 0..<trials {
                let target = rng.nextUnitDouble() * potential
                var cumulative = 0.0
                var pick = n - 1
                for i in 0..<n {
                    cumulative += closest[i]
                    if cumulative > target { pick = i; break }
                }
                candidates.append(pick)
            }
            let distances = Self.squaredDistances(from: x, rows: candidates)
            var bestCandidate = 0
            var bestPotential = Double.infinity
            for (index, row) in distances.enumerated() {
                var total = 0.0
                for i in 0..<n { total += min(closest[i], row[i]) }
                if total < bestPotential { bestPotential = total; bestCandidate = index }
            }
            chosen.append(candidates[bestCandidate])
            for i in 0..<n { closest[i] = min(closest[i], distances[bestCandidate][i]) }
            potential = bestPotential
        }
        var centres = [Double](repeating: 0, count: k * d)
        for (c, row) in chosen.enumerated() {
            for j in 0..<d { centres[c * d + j] = Double(x[row, j]) }
        }
        return centres
    }

    /// Lloyd iterations from `centres` ([k × d], row-major) until assignments settle.
    static func lloyd(_ x: Tensor, centres start: [Double], maxIterations: Int,
                      shiftTolerance: Double) -> Run {
        let n = x.rows, d = x.columns, k = start.count / max(d, 1)
        var centres = start
        var assignments = [Int](repeating: -1, count: n)
        var iterations = 0
        var converged = false
        var distances = Self.assign(x, centres: centres, k: k, into: &assignments)
        while iterations < maxIterations {
            iterations += 1
            // M step: centres are the means of their points; an empty cluster takes the farthest point.
            var sums = [Double](repeating: 0, count: k * d)
            var counts = [Int](repeating: 0, count: k)
            x.scalars.withUnsafeBufferPointer { data in
                for i in 0..<n {
                    let c = assignments[i]
                    counts[c] += 1
                    for j in 0..<d { sums[c * d + j] += Double(data[i * d + j]) }
                }
            }
            for c in 0..<k where counts[c] == 0 {
                // Some cluster has ≥ 2 points because n ≥ k; take its point farthest from its centre.
                var far = -1
                for i in 0..<n where counts[assignments[i]] > 1 && (far < 0 || distances[i] > distances[far]) {
                    far = i
                }
                let old = assignments[far]
                counts[old] -= 1
                for j in 0..<d {
                    let v = Double(x[far, j])
                    sums[old * d + j] -= v
                    sums[c * d + j] = v
                }
                counts[c] = 1
                assignments[far] = c
                distances[far] = 0
            }
            var shift = 0.0
            for c in 0..<k {
                let scale = 1 / Double(counts[c])
                for j in 0..<d {
                    let value = sums[c * d + j] * scale
                    let delta = value - centres[c * d + j]
                    shift += delta * delta
                    centres[c * d + j] = value
                }
            }
            // E step.
            let previous = assignments
            distances = Self.assign(x, centres: centres, k: k, into: &assignments)
            if assignments == previous || shift <= shiftTolerance {
                converged = true
                break
            }
        }
        return Run(assignments: assignments, centres: centres,
                   inertia: Self.inertia(x, assignments: assignments, centres: centres),
                   iterations: iterations, converged: converged)
    }

    /// Assigns each row to its nearest centre (lowest index on ties); returns the squared distances.
    static func assign(_ x: Tensor, centres: [Double], k: Int,
                       into assignments: inout [Int]) -> [Double] {
        let n = x.rows, d = x.columns
        let table = SquaredDistances.between(x, Tensor(shape: [k, d], scalars: centres.map(Float.init)))
        var nearest = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var best = 0
            var bestDistance = table.scalars[i * k]
            for c in 1..<k where table.scalars[i * k + c] < bestDistance {
                best = c
                bestDistance = table.scalars[i * k + c]
            }
            assignments[i] = best
            nearest[i] = Double(bestDistance)
        }
        return nearest
    }

    /// Σ ‖xᵢ − c(i)‖², directly in Double.
    static func inertia(_ x: Tensor, assignments: [Int], centres: [Double]) -> Double {
        let n = x.rows, d = x.columns
        var total = 0.0
        x.scalars.withUnsafeBufferPointer { data in
            for i in 0..<n {
                let c = assignments[i]
                for j in 0..<d {
                    let delta = Double(data[i * d + j]) - centres[c * d + j]
                    total += delta * delta
                }
            }
        }
        return total
    }

    /// Squared distances from the given rows of `x` to every row: one array per given row.
    static func squaredDistances(from x: Tensor, rows: [Int]) -> [[Double]] {
        let d = x.columns
        var selected = [Float](repeating: 0, count: rows.count * d)
        for (r, row) in rows.enumerated() {
            for j in 0..<d { selected[r * d + j] = x[row, j] }
        }
        let table = SquaredDistances.between(Tensor(shape: [rows.count, d], scalars: selected), x)
        let n = x.rows
        return rows.indices.map { r in
            (0..<n).map { i in rows[r] == i ? 0 : Double(table.scalars[r * n + i]) }
        }
    }

    /// A uniform index in 0..<count from the top bits of the generator.
    static func uniformIndex(_ count: Int, _ rng: inout SplitMix64) -> Int {
        min(count - 1, Int(rng.nextUnitDouble() * Double(count)))
    }
}

