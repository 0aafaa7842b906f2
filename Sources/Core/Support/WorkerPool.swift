import Foundation

/// Long-lived threads for `Parallel`: the same threads run every parallel phase of the process.
///
/// OpenBLAS gives each thread that calls it its own work buffers and does not return them when
/// the thread ends. Dispatch's worker threads end after an idle spell and new ones replace them,
/// so every extraction after a pause (a REPL session, the benchmark's PyTorch rounds) left another
/// ~30 MB per worker resident (measured with `bench extract`, bert-base, 400 sentences, 3 rounds:
/// extraction added 123 MB without the PyTorch rounds between ours, 245 MB with them; 126 MB with
/// them on this pool). With a fixed set of threads those buffers are made once.
///
/// A phase runs `body(0)` on the calling thread and `body(1…)` on pool threads. A phase started
/// while another is running (nested, or from a second thread) runs all its workers on its caller,
/// one after another, so it can never wait for a thread that is waiting for it.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(threadCount: max(0, ProcessorCores.available - 1))

    /// Pool threads (the caller is the extra worker).
    let threadCount: Int
    private let condition = NSCondition()
    private var job: ((Int) -> Void)?
    private var width = 0
    /// Bumped for each phase; a pool thread runs a phase once when it sees a new value.
    private var generation = 0
    /// Pool threads that have not finished the current phase.
    private var running = 0
    private var busy = false

    init(threadCount: Int) {
        self.threadCount = threadCount
        for index in 0..<threadCount {
            let thread = Thread { [unowned self] in
                Thread.current.threadDictionary[Self.poolThreadKey] = true
                self.serve(worker: index + 1)
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private static let poolThreadKey = "NeuronWorkbench.WorkerPool"

    /// Whether the current thread is one of the pool's.
    static var isPoolThread: Bool { Thread.current.threadDictionary[poolThreadKey] as? Bool == true }

    /// Runs `body(w)` for w in 0..<width at once (width capped at the pool's threads + 1) and
    /// returns when all have finished.
    func perform(width requested: Int, _ body: (Int) -> Void) {
        let width = min(requested, threadCount + 1)
        guard width > 1, claim() else {
            for worker in 0..<max(requested, 0) { body(worker) }
            return
        }
        withoutActuallyEscaping(body) { body in
            condition.lock()
            job = body
            self.width = width
            running = threadCount
            generation += 1
            condition.broadcast()
            condition.unlock()
            body(0)
            condition.lock()
            while running > 0 { condition.wait() }
            job = nil
            busy = false
            condition.unlock()
        }
    }

    private func claim() -> Bool {
        condition.lock(); defer { condition.unlock() }
        if busy { return false }
        busy = true
        return true
    }

    private func serve(worker: Int) {
        var seen = 0
        while true {
            do {
                // The job's last reference here ends with this block, before the caller is told
                // that this thread has finished (the caller's closure must not outlive its call).
                condition.lock()
                while generation == seen { condition.wait() }
                seen = generation
                let job = self.job, active = worker < width
                condition.unlock()
                if active, let job { job(worker) }
            }
            condition.lock()
            running -= 1
            if running == 0 { condition.broadcast() }
            condition.unlock()
        }
    }
}
