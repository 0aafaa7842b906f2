import COpenBLAS
import Foundation

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

    /// Sets the threads OpenBLAS uses (1 when the caller parallelises itself). Work that spreads
    /// itself over the cores says so with ``singleThreaded(when:_:)`` instead, which composes when
    /// such work overlaps on several threads.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// Runs `body` with OpenBLAS on one thread (when `condition` holds), for work that spreads itself
    /// over the cores: many small products side by side rather than one product forked over them.
    ///
    /// OpenBLAS's thread count is one setting for the whole process, so sections may overlap (the
    /// REPL ranks a new config while an old one's curves still run on their own thread): the first
    /// section to enter keeps the count it found and sets one thread, the last to leave restores
    /// what the first found. Saving and restoring around each section instead left the process at
    /// one thread for good when two overlapped.
    public static func singleThreaded<T>(when condition: Bool = true, _ body: () throws -> T) rethrows -> T {
        guard condition else { return try body() }
        beginSingleThreaded()
        defer { endSingleThreaded() }
        return try body()
    }

    /// Opens a section of ``singleThreaded(when:_:)`` for the rest of a scope:
    /// `BLAS.beginSingleThreaded(); defer { BLAS.endSingleThreaded() }`.
    public static func beginSingleThreaded() { SingleThreadedSections.enter() }

    /// Closes the section ``beginSingleThreaded()`` opened.
    public static func endSingleThreaded() { SingleThreadedSections.leave() }
}

/// The sections that want OpenBLAS on one thread: how many are open, and the count the first found.
enum SingleThreadedSections {
    nonisolated(unsafe) private static var open = 0
    nonisolated(unsafe) private static var restored = 1
    private static let lock = NSLock()

    static func enter() {
        lock.withLock {
            if open == 0 {
                restored = Int(openblas_get_num_threads())
                openblas_set_num_threads(1)
            }
            open += 1
        }
    }

    static func leave() {
        lock.withLock {
            open -= 1
            if open == 0 { openblas_set_num_threads(Int32(restored)) }
        }
    }

    /// How many sections are open (for tests).
    static var openSections: Int { lock.withLock { open } }
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
