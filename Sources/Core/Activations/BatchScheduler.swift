import Foundation
import Kernels
import Support

/// Runs a model over packed batches on several cores, as extraction and intervention sweeps do:
/// each worker takes the next unclaimed batch (callers put the longest first), BLAS runs
/// single-threaded while more than one batch is in flight (no fork–join inside every matrix
/// product, and the element-wise layers run in parallel too), `shouldStop` is polled before each
/// batch, and what the batches hand back goes through one lock.
enum BatchScheduler {
    /// Runs `body(item, serialized)` for every item in 0..<count on up to `workers` threads.
    ///
    /// - Parameters:
    ///   - shouldStop: polled, under the lock, before each batch; once true no batch starts
    ///   - body: runs one batch; `serialized { … }` runs its closure under the scheduler's lock (for
    ///     sinks and progress). Returns false to stop every worker after their current batch.
    /// - Throws: `CancellationError` when `shouldStop` ended the run.
    static func run(_ count: Int, workers: Int, shouldStop: () -> Bool,
                    _ body: @Sendable (_ item: Int, _ serialized: (() -> Void) -> Void) -> Bool) throws {
        let workerCount = max(1, min(workers, count))
        try BLAS.singleThreaded(when: workerCount > 1) {
            try withoutActuallyEscaping(shouldStop) { shouldStop in
                let gate = Gate(shouldStop)
                Parallel.drain(count, workers: workerCount) { item in
                    if gate.stopping() { return false }
                    return body(item) { gate.serialized($0) }
                }
                if gate.stopped { throw CancellationError() }
            }
        }
    }

    /// The lock, the stop flag and the caller's stop test.
    private final class Gate: @unchecked Sendable {
        private let shouldStop: () -> Bool
        private let lock = NSLock()
        private(set) var stopped = false

        init(_ shouldStop: @escaping () -> Bool) { self.shouldStop = shouldStop }

        func stopping() -> Bool {
            lock.lock(); defer { lock.unlock() }
            if !stopped && shouldStop() { stopped = true }
            return stopped
        }

        func serialized(_ work: () -> Void) {
            lock.lock(); defer { lock.unlock() }
            work()
        }
    }
}
