import Foundation

/// Where a computation's time goes, for benchmarks: wall-clock time per named stage, summed over the
/// threads that ran it (so a stage run on two cores at once counts both). Off by default; a disabled
/// clock costs one load per stage.
///
/// ```swift
/// StageClock.start()
/// model.run(batch)
/// for (stage, seconds) in StageClock.stop() { print(stage, seconds) }
/// ```
public enum StageClock {
    /// A named stage: a model's forward pass (``embedding`` …, ``modelStages``) or a probing config's
    /// (`Stage.probing…`, some named per k).
    public struct Stage: Hashable, Sendable {
        public let rawValue: String
        public init(_ name: String) { rawValue = name }

        public static let embedding = Stage("embedding")
        public static let projections = Stage("projections (GEMM)")
        public static let attention = Stage("attention scores, softmax, mixing")
        public static let elementwise = Stage("norms, RoPE, activation, residuals")
        /// The stages a model reports, in the order of a forward pass.
        public static let modelStages: [Stage] = [.embedding, .projections, .attention, .elementwise]
    }

    /// One stage's total: seconds summed over the threads and how many times it was entered.
    public struct Total: Sendable {
        public var stage: Stage
        public var seconds: Double
        public var count: Int
    }

    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var totals: [Stage: (nanoseconds: UInt64, count: Int)] = [:]
    nonisolated(unsafe) private static var order: [Stage] = []
    private static let lock = NSLock()

    /// Starts counting from zero.
    public static func start() {
        lock.lock(); totals = [:]; order = []; enabled = true; lock.unlock()
    }

    /// Stops counting. - Returns: seconds per stage, in the order the stages were first entered.
    public static func stop() -> [(stage: Stage, seconds: Double)] {
        stopWithCounts().map { ($0.stage, $0.seconds) }
    }

    /// Stops counting. - Returns: every stage's total, in the order the stages were first entered.
    public static func stopWithCounts() -> [Total] {
        lock.lock(); defer { lock.unlock() }
        enabled = false
        return order.map { Total(stage: $0, seconds: Double(totals[$0]!.nanoseconds) / 1e9, count: totals[$0]!.count) }
    }

    /// Whether the clock is counting (callers skip building a stage's name when it is not).
    static var isRunning: Bool { enabled }

    /// Runs `body`, counting its time under `stage` while the clock runs.
    @inline(__always)
    package static func measure<T>(_ stage: @autoclosure () -> Stage, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let begin = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let spent = DispatchTime.now().uptimeNanoseconds - begin
        let name = stage()
        lock.lock()
        if let total = totals[name] {
            totals[name] = (total.nanoseconds + spent, total.count + 1)
        } else {
            totals[name] = (spent, 1)
            order.append(name)
        }
        lock.unlock()
        return result
    }
}
