import Kernels
import Support
/// The statistics behind ``GaussianProbe/fit(features:labels:classCount:prior:)``: label means,
/// scatter matrices (through `dsyrk`) and the positive-definiteness repair of `Gaussian.py`.
extension GaussianProbe {
    /// Rows gathered, centred and converted to `Double` per `dsyrk` call.
    static let scatterChunkRows = 512

    /// Mean feature vector per label in `Double`: [classes, features]; zeros for a label without examples.
    static func labelMeans(features: Tensor, labels: [Int], counts: [Int]) -> [Double] {
        let d = features.columns, c = counts.count
        var sums = [Double](repeating: 0, count: c * d)
        features.scalars.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { s in
                for (row, label) in labels.enumerated() {
                    let source = x.baseAddress! + row * d
                    let target = s.baseAddress! + label * d
                    for j in 0..<d { target[j] += Double(source[j]) }
                }
            }
        }
        for label in 0..<c where counts[label] > 0 {
            let inverse = 1 / Double(counts[label])
            for j in 0..<d { sums[label * d + j] *= inverse }
        }
        return sums
    }

    /// Scatter about the label mean, S = Σ (x − x̄)(x − x̄)ᵀ, per label: [classes, features, features].
    ///
    /// Rows are centred in chunks and accumulated with `dsyrk`, then the upper triangle is mirrored.
    static func scatterMatrices(features: Tensor, labels: [Int], counts: [Int], means: [Double]) -> [Double] {
        let d = features.columns, c = counts.count
        var rowsByLabel = [[Int]](repeating: [], count: c)
        for (row, label) in labels.enumerated() { rowsByLabel[label].append(row) }
        var scatter = [Double](repeating: 0, count: c * d * d)
        var chunk = [Double](repeating: 0, count: scatterChunkRows * d)
        features.scalars.withUnsafeBufferPointer { x in
            scatter.withUnsafeMutableBufferPointer { all in
                chunk.withUnsafeMutableBufferPointer { buffer in
                    for label in 0..<c {
                        let rows = rowsByLabel[label]
                        let sigma = all.baseAddress! + label * d * d
                        var start = 0
                        while start < rows.count {
                            let count = min(scatterChunkRows, rows.count - start)
                            for r in 0..<count {
                                let source = x.baseAddress! + rows[start + r] * d
                                let target = buffer.baseAddress! + r * d
                                for j in 0..<d { target[j] = Double(source[j]) - means[label * d + j] }
                            }
                            BLAS.syrkTransposed(n: d, k: count, a: buffer.baseAddress!, lda: d, beta: 1, c: sigma, ldc: d)
                            start += count
                        }
                        for i in 0..<d {
                            for j in 0..<i { sigma[i * d + j] = sigma[j * d + i] }
                        }
                    }
                }
            }
        }
        return scatter
    }

    /// Adds `ridgeFactor·|λ_min|` to the diagonal of a symmetric matrix that is not positive definite.
    ///
    /// `Gaussian.py` computes all eigenvalues; we only need λ_min when a Cholesky factorisation fails,
    /// and bracket it by Cholesky tests of `A + m·I` (doubling m from a round-off-sized start, then
    /// eight bisection steps), so the ridge is within 0.5% of `10·|λ_min|`.
    ///
    /// A matrix with a NaN or an infinity (from non-finite features) cannot be made positive
    /// definite: it is left as it is and NaN is returned, without searching.
    ///
    /// - Returns: the ridge added (0 when the matrix was already positive definite; NaN when none can be).
    static func makePositiveDefinite(_ matrix: UnsafeMutablePointer<Double>, size n: Int) -> Double {
        var scratch = [Double](repeating: 0, count: n * n)
        func isPositiveDefinite(shift: Double) -> Bool {
            scratch.withUnsafeMutableBufferPointer { s in
                s.baseAddress!.update(from: matrix, count: n * n)
                for i in 0..<n { s[i * n + i] += shift }
                return choleskyInPlace(s.baseAddress!, size: n, stride: n)
            }
        }
        if isPositiveDefinite(shift: 0) { return 0 }
        // Doubling a shift never helps a matrix with a NaN or an infinity: it would loop for ever.
        for i in 0..<(n * n) where !matrix[i].isFinite { return .nan }
        var largestDiagonal = 0.0
        for i in 0..<n { largestDiagonal = max(largestDiagonal, abs(matrix[i * n + i])) }
        // Round-off size relative to the diagonal (an all-zero matrix, e.g. a one-example label
        // under the per-label prior, starts from 1e-12).
        var upper = largestDiagonal > 0 ? largestDiagonal * Double.ulpOfOne : 1e-12
        // A finite matrix is positive definite once the shift passes its spectral radius; the
        // bound on the shift only guards against round-off that no shift overcomes.
        while !isPositiveDefinite(shift: upper) {
            upper *= 2
            guard upper.isFinite else { return .nan }
        }
        var lower = upper / 2   // A + lower·I may still fail: λ_min ∈ (−upper, −lower]
        for _ in 0..<8 {
            let middle = (lower + upper) / 2
            if isPositiveDefinite(shift: middle) { upper = middle } else { lower = middle }
        }
        var ridge = ridgeFactor * upper
        while !isPositiveDefinite(shift: ridge) {
            ridge *= 2
            guard ridge.isFinite else { return .nan }
        }
        for i in 0..<n { matrix[i * n + i] += ridge }
        return ridge
    }

    /// In-place Cholesky factorisation A = LLᵀ of a symmetric positive definite matrix (row-major,
    /// lower triangle read and written; the strict upper triangle is left as it was).
    ///
    /// - Returns: false when a pivot is not positive (the matrix is not numerically positive definite).
    static func choleskyInPlace(_ a: UnsafeMutablePointer<Double>, size n: Int, stride lda: Int) -> Bool {
        choleskyRows(a, size: n, stride: lda) == n
    }

    /// ``choleskyInPlace(_:size:stride:)`` row by row, stopping at the first row whose pivot is not
    /// positive. Row i reads rows < i only, so the leading i×i block of the factor of A is the factor
    /// of A's leading i×i block, bit for bit.
    ///
    /// - Returns: how many leading rows were factored (n when A is numerically positive definite).
    static func choleskyRows(_ a: UnsafeMutablePointer<Double>, size n: Int, stride lda: Int) -> Int {
        for i in 0..<n {
            let rowI = a + i * lda
            for j in 0..<i {
                let rowJ = a + j * lda
                rowI[j] = (rowI[j] - dot(rowI, rowJ, count: j)) / rowJ[j]
            }
            let pivot = rowI[i] - dot(rowI, rowI, count: i)
            guard pivot > 0, pivot.isFinite else { return i }
            rowI[i] = pivot.squareRoot()
        }
        return n
    }

    /// Σ a[i]·b[i] with four partial sums (so the loop vectorises).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
            s0 += a[i] * b[i]
            s1 += a[i + 1] * b[i + 1]
            s2 += a[i + 2] * b[i + 2]
            s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < count {
            s0 += a[i] * b[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}
