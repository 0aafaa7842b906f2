import Foundation

/// Data-parallel loops over the machine's cores, on `WorkerPool`'s long-lived threads.
public enum Parallel {
    /// `body(i)` for i in 0..<count on all cores; results in index order.
    ///
    /// Each index writes only its own slot, so no lock is needed. BLAS calls inside `body` should be
    /// small or single-threaded (see `BLAS.setThreadCount`).
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer { slots.deallocate() }
        let box = SlotBox(slots: slots)
        let queue = ItemQueue(count: count)
        WorkerPool.shared.perform(width: count) { _ in
            while let index = queue.next() { box.slots[index] = body(index) }
        }
        return slots.map { $0! }
    }

    /// `body(item)` for item in 0..<count on `workers` threads, each taking the next unclaimed item.
    ///
    /// Items are claimed in index order, so callers put the costliest first: the last items to
    /// finish are then short ones and no core waits long at the end (static striding left one core
    /// idle for a whole long batch). `body` returns false to stop every worker after its current item.
    public static func drain(_ count: Int, workers: Int, _ body: @Sendable (Int) -> Bool) {
        guard count > 0 else { return }
        let queue = ItemQueue(count: count)
        WorkerPool.shared.perform(width: max(1, min(workers, count))) { _ in
            while let item = queue.next() {
                if !body(item) { queue.stop(); return }
            }
        }
    }

    /// The next unclaimed item, under a lock.
    private final class ItemQueue: @unchecked Sendable {
        private let count: Int
        private var nextItem = 0
        private let lock = NSLock()
        init(count: Int) { self.count = count }
        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard nextItem < count else { return nil }
            defer { nextItem += 1 }
            return nextItem
        }
        func stop() { lock.lock(); nextItem = count; lock.unlock() }
    }

    private final class SlotBox<T>: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<T?>
        init(slots: UnsafeMutableBufferPointer<T?>) { self.slots = slots }
    }
}
