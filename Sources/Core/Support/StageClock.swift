import Foundation

/// Where a model's time goes, for benchmarks: wall-clock time per named stage of a forward pass,
/// summed over the threads that ran it. Off by default; a disabled clock costs one load per stage.
///
/// ```swift
/// StageClock.start()
/// model.run(batch)
/// for (stage, seconds) in StageClock.stop() { print(stage, seconds) }
/// ```
public enum StageClock {
    /// The stages a model reports.
    public enum Stage: String, CaseIterable, Sendable {
        case embedding = "embedding"
        case projections = "projections (GEMM)"
        case attention = "attention scores, softmax, mixing"
        case elementwise = "norms, RoPE, activation, residuals"
    }

    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var totals: [Stage: UInt64] = [:]
    private static let lock = NSLock()

    /// Starts counting from zero.
    public static func start() {
        lock.lock(); totals = [:]; enabled = true; lock.unlock()
    }

    /// Stops counting. - Returns: seconds per stage, in the order of ``Stage``, stages never entered left out.
    public static func stop() -> [(stage: Stage, seconds: Double)] {
        lock.lock(); defer { lock.unlock() }
        enabled = false
        return Stage.allCases.compactMap { stage in totals[stage].map { (stage, Double($0) / 1e9) } }
    }

    /// Runs `body`, counting its time under `stage` while the clock runs.
    @inline(__always)
    package static func measure<T>(_ stage: Stage, _ body: () -> T) -> T {
        guard enabled else { return body() }
        let begin = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let spent = DispatchTime.now().uptimeNanoseconds - begin
        lock.lock(); totals[stage, default: 0] += spent; lock.unlock()
        return result
    }
}
