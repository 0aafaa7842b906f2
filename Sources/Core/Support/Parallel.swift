import Foundation

/// Data-parallel loops over the machine's cores.
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
        DispatchQueue.concurrentPerform(iterations: count) { index in
            box.slots[index] = body(index)
        }
        return slots.map { $0! }
    }

    private final class SlotBox<T>: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<T?>
        init(slots: UnsafeMutableBufferPointer<T?>) { self.slots = slots }
    }
}
