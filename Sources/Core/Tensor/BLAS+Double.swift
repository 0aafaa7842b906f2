import COpenBLAS

/// Double-precision OpenBLAS routines (`cblas_dgemm`, `dgemv`, `dsyrk`, `dtrsm`), row-major throughout.
///
/// The Gaussian probe fits and evaluates covariance matrices in `Double`; these wrappers keep
/// `COpenBLAS` inside the tensor layer. Leading dimensions are explicit, as in ``BLAS/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
extension BLAS {
    /// `C[m×n] = alpha · op(A) · op(B) + beta · C` in `Double`.
    ///
    /// - Parameters:
    ///   - transposeA: use Aᵀ, where A is stored [k×m] with leading dimension `lda`.
    ///   - transposeB: use Bᵀ, where B is stored [n×k] with leading dimension `ldb`.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double = 0,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// `y = alpha · op(A) · x + beta · y` for A stored [m×n] (so `op(A)x` has n entries when transposed).
    @inlinable
    public static func gemv(
        transpose: Bool = false,
        m: Int, n: Int,
        alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incx: Int = 1,
        beta: Double = 0,
        y: UnsafeMutablePointer<Double>, incy: Int = 1
    ) {
        cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), alpha, a, blasint(lda),
            x, blasint(incx), beta, y, blasint(incy))
    }

    /// Upper triangle of `C[n×n] = alpha · AᵀA + beta · C` for A stored [k×n] (a scatter matrix of k rows).
    ///
    /// Only the upper triangle (column ≥ row) of `c` is written.
    @inlinable
    public static func syrkTransposed(
        n: Int, k: Int,
        alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int,
        beta: Double = 1,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans,
            blasint(n), blasint(k), alpha, a, blasint(lda), beta, c, blasint(ldc))
    }

    /// `B[m×n] ← B · L⁻ᵀ` in place, for L lower-triangular [n×n] (non-unit diagonal).
    ///
    /// Row i of the result is `L⁻¹ bᵢ`: whitening each row of B by a Cholesky factor.
    @inlinable
    public static func solveLowerTransposedRight(
        m: Int, n: Int,
        l: UnsafePointer<Double>, ldl: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) {
        cblas_dtrsm(
            CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
            blasint(m), blasint(n), 1, l, blasint(ldl), b, blasint(ldb))
    }
}
