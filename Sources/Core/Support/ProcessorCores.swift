import Foundation

/// The cores this process may use: what parallel work (extraction, sweeps, the Gaussian search,
/// the worker pool) and the planner's estimates count on.
///
/// In order: `NEURON_CORES` when set to a whole number ≥ 1 (Slurm job scripts set it to
/// `$SLURM_CPUS_PER_TASK`); else the CPUs in the process's affinity mask (what `taskset`, Slurm's
/// task affinity or a container's cpuset leave it — Foundation's `activeProcessorCount` counts
/// the whole machine); else the machine's.
public enum ProcessorCores {
    public static let available: Int = count(environment: ProcessInfo.processInfo.environment)

    static let variable = "NEURON_CORES"

    static func count(environment: [String: String]) -> Int {
        if let text = environment[variable], let cores = Int(text.trimmingCharacters(in: .whitespaces)), cores >= 1 { return cores }
        let machine = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return min(machine, affinityCount() ?? machine)
    }

    /// CPUs in this process's affinity mask (`Cpus_allowed` of /proc/self/status, a hexadecimal
    /// mask in comma-separated words), or nil where it cannot be read.
    static func affinityCount(status: String? = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) -> Int? {
        guard let status, let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        var bits = 0
        for character in line.dropFirst("Cpus_allowed:".count) where character != "," && !character.isWhitespace {
            guard let digit = character.hexDigitValue else { return nil }
            bits += digit.nonzeroBitCount
        }
        return bits > 0 ? bits : nil
    }
}
