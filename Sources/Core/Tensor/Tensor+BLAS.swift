import COpenBLAS

/// Matrix products through OpenBLAS `cblas_sgemm`: the only place Core talks to BLAS.
public enum BLAS {
    /// `C[m×n] = alpha · op(A) · op(B) + beta · C`, all row-major with explicit leading dimensions.
    ///
    /// - Parameters:
    ///   - transposeA: use Aᵀ, where A is stored [k×m] with leading dimension `lda`.
    ///   - transposeB: use Bᵀ, where B is stored [n×k] with leading dimension `ldb`.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// Threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
    }

    /// Sets the threads OpenBLAS uses (1 when the caller parallelises itself).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }
}

extension Tensor {
    /// Matrix product `self · other` of [m×k] and [k×n] (or `otherᵀ` when `transposeOther`).
    public func matmul(_ other: Tensor, transposeOther: Bool = false) -> Tensor {
        let m = rows, k = columns
        let n = transposeOther ? other.rows : other.columns
        precondition((transposeOther ? other.columns : other.rows) == k,
                     "matmul: inner sizes differ (\(shape) · \(other.shape), transposed: \(transposeOther))")
        var result = Tensor(zeros: [m, n])
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                result.scalars.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(transposeB: transposeOther, m: m, n: n, k: k,
                              a: a.baseAddress!, lda: k,
                              b: b.baseAddress!, ldb: other.columns,
                              c: c.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }

    /// `self · weightᵀ + bias` for a PyTorch-layout weight [out×in]: a linear layer on rows.
    ///
    /// - Returns: [rows, out]
    public func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        let m = rows, k = columns, n = weight.rows
        precondition(weight.columns == k, "linear: input width \(k) vs weight \(weight.shape)")
        return Tensor(shape: [m, n]) { out in
            let c = out.baseAddress!
            if let bias {
                precondition(bias.count == n, "linear: bias \(bias.shape) vs \(n) outputs")
                bias.scalars.withUnsafeBufferPointer { b in
                    for row in 0..<m { (c + row * n).update(from: b.baseAddress!, count: n) }
                }
            }
            scalars.withUnsafeBufferPointer { a in
                weight.scalars.withUnsafeBufferPointer { w in
                    BLAS.gemm(transposeB: true, m: m, n: n, k: k,
                              a: a.baseAddress!, lda: k, b: w.baseAddress!, ldb: k,
                              beta: bias == nil ? 0 : 1, c: c, ldc: n)
                }
            }
        }
    }
}
