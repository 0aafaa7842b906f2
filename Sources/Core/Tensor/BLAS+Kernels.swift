import COpenBLAS
import Foundation

/// Choosing OpenBLAS's kernels on virtual machines.
///
/// OpenBLAS picks its kernels from the CPU model number; a VM that hides it ("Intel Xeon Processor")
/// makes OpenBLAS fall back to the generic SSE3 "Prescott" kernels, 3–9× slower than the AVX2/AVX-512
/// ones the CPU supports. `OPENBLAS_CORETYPE` must be set before the library loads, so the
/// executable re-launches itself with it (see `Workbench/main.swift`) and scripts export it.
extension BLAS {
    /// The kernel family OpenBLAS chose (`openblas_get_corename`).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Instruction-set flags from `/proc/cpuinfo` (empty where unavailable).
    public static var cpuFlags: Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// The best OpenBLAS core type for these CPU flags.
    public static func recommendedCoreType(for flags: Set<String>) -> String? {
        if flags.isSuperset(of: ["avx512f", "avx512vl", "avx512bw", "avx512_bf16"]) { return "Cooperlake" }
        if flags.isSuperset(of: ["avx512f", "avx512vl", "avx512bw"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Kernel families without AVX2: chosen on capable CPUs only when detection failed.
    static let genericCores: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
                                            "katmai", "coppermine", "northwood", "banias", "barcelona", "unknown"]

    /// The core type to force when OpenBLAS fell back to generic kernels on a better CPU, else nil.
    public static var coreTypeCorrection: String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              genericCores.contains(coreName.lowercased()) else { return nil }
        return recommendedCoreType(for: cpuFlags)
    }
}
