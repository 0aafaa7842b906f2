import Kernels
/// Squared Euclidean distances between the rows of matrices, through one GEMM:
/// ‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y.
///
/// Rows are centred on the column means of the first matrix before the product (distances do
/// not change), which keeps the cancellation in the formula small when all points lie far from
/// the origin. Results are clamped at zero; a point's distance to itself is exactly zero in
/// `pairwise`.
public enum SquaredDistances {
    /// Squared distances between every pair of rows of `data`.
    ///
    /// - Parameter data: [n, d]
    /// - Returns: n × n row-major distances, symmetric, zero on the diagonal.
    public static func pairwise(_ data: Tensor) -> [Double] {
        precondition(data.shape.count == 2, "SquaredDistances: expected a matrix, got shape \(data.shape)")
        let n = data.rows, d = data.columns
        guard n > 0 else { return [] }
        let centred = centredOnColumnMeans(data)
        let norms = rowSquaredNorms(centred)
        var dots = [Float](repeating: 0, count: n * n)
        if d > 0 {
            centred.scalars.withUnsafeBufferPointer { x in
                dots.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(transposeB: true, m: n, n: n, k: d,
                              a: x.baseAddress!, lda: d, b: x.baseAddress!, ldb: d,
                              c: c.baseAddress!, ldc: n)
                }
            }
        }
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let value = max(0, norms[i] + norms[j] - 2 * Double(dots[i * n + j]))
                result[i * n + j] = value
                result[j * n + i] = value
            }
        }
        return result
    }

    /// Squared distances from each row of `points` to each row of `centres`.
    ///
    /// - Parameters:
    ///   - points: [n, d]
    ///   - centres: [k, d]
    /// - Returns: [n, k]
    public static func between(_ points: Tensor, _ centres: Tensor) -> Tensor {
        precondition(points.shape.count == 2 && centres.shape.count == 2 && points.columns == centres.columns,
                     "SquaredDistances: shapes \(points.shape) and \(centres.shape) do not match")
        let n = points.rows, k = centres.rows, d = points.columns
        let means = columnMeans(points)
        let x = centred(points, on: means), c = centred(centres, on: means)
        let xNorms = rowSquaredNorms(x), cNorms = rowSquaredNorms(c)
        var dots = Tensor(zeros: [n, k])
        if n > 0, k > 0, d > 0 {
            x.scalars.withUnsafeBufferPointer { a in
                c.scalars.withUnsafeBufferPointer { b in
                    dots.scalars.withUnsafeMutableBufferPointer { out in
                        BLAS.gemm(transposeB: true, m: n, n: k, k: d,
                                  a: a.baseAddress!, lda: d, b: b.baseAddress!, ldb: d,
                                  c: out.baseAddress!, ldc: k)
                    }
                }
            }
        }
        for i in 0..<n {
            for j in 0..<k {
                dots.scalars[i * k + j] = Float(max(0, xNorms[i] + cNorms[j] - 2 * Double(dots.scalars[i * k + j])))
            }
        }
        return dots
    }

    /// Mean of each column, accumulated in Double.
    static func columnMeans(_ data: Tensor) -> [Double] {
        let n = data.rows, d = data.columns
        var sums = [Double](repeating: 0, count: d)
        guard n > 0 else { return sums }
        data.scalars.withUnsafeBufferPointer { x in
            for i in 0..<n {
                let row = x.baseAddress! + i * d
                for j in 0..<d { sums[j] += Double(row[j]) }
            }
        }
        let scale = 1 / Double(n)
        return sums.map { $0 * scale }
    }

    /// `data` with `means` subtracted from every row.
    static func centred(_ data: Tensor, on means: [Double]) -> Tensor {
        let n = data.rows, d = data.columns
        return Tensor(shape: [n, d]) { out in
            data.scalars.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    for j in 0..<d { out[i * d + j] = Float(Double(x[i * d + j]) - means[j]) }
                }
            }
        }
    }

    static func centredOnColumnMeans(_ data: Tensor) -> Tensor {
        centred(data, on: columnMeans(data))
    }

    /// ‖row‖² of each row, accumulated in Double.
    static func rowSquaredNorms(_ data: Tensor) -> [Double] {
        let n = data.rows, d = data.columns
        return data.scalars.withUnsafeBufferPointer { x in
            (0..<n).map { i in
                var sum = 0.0
                for j in 0..<d { let v = Double(x[i * d + j]); sum += v * v }
                return sum
            }
        }
    }
}
