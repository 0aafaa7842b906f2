import Core
import Foundation

/// What every benchmark measures beside its own timings: the machine's sgemm rate in the same run
/// and the process's resident memory.
enum BenchmarkMeasures {
    /// sgemm throughput on 1024³ with `threads` BLAS threads: the fastest of 20 products into one
    /// output buffer (no allocation inside the timing).
    static func measureSGEMM() -> Double {
        let n = 1024
        let a = (0..<(n * n)).map { Float($0 % 7) * 0.1 }
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity
        a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                for _ in 0..<21 {
                    let start = Date()
                    BLAS.gemm(m: n, n: n, k: n, a: a.baseAddress!, lda: n, b: a.baseAddress!, ldb: n, c: c.baseAddress!, ldc: n)
                    best = min(best, Date().timeIntervalSince(start))
                }
            }
        }
        return 2 * Double(n * n * n) / best / 1e9
    }


    static func resetPeakMemory() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

    static func peakMemoryBytes() -> Int { statusBytes("VmHWM:") }

    static func residentMemoryBytes() -> Int { statusBytes("VmRSS:") }

    /// A size line of /proc/self/status ("VmHWM:  123 kB"), in bytes; 0 where it cannot be read.
    static func statusBytes(_ key: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }

    static func formatBytes(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_000_000) }
}
