import Foundation
import Testing
@testable import Support

@Suite("Parallel loops")
struct ParallelTests {
    final class Seen: @unchecked Sendable {
        let lock = NSLock()
        var items: [Int] = []
        func add(_ item: Int) { lock.lock(); items.append(item); lock.unlock() }
    }

    @Test("drain runs every item exactly once, claimed in index order", arguments: [1, 2, 5])
    func drainRunsEachItemOnce(workers: Int) {
        let seen = Seen()
        Parallel.drain(100, workers: workers) { item in seen.add(item); return true }
        #expect(seen.items.sorted() == Array(0..<100))
        if workers == 1 { #expect(seen.items == Array(0..<100)) }
    }

    @Test("a false from the body stops every worker after its current item")
    func drainStops() {
        let seen = Seen()
        Parallel.drain(1000, workers: 2) { item in seen.add(item); return item < 10 }
        #expect(seen.items.count < 20 && seen.items.contains(10))
    }

    @Test("work runs on the caller or the pool's long-lived threads, never on fresh ones, and does reach the pool")
    func poolThreads() {
        final class Placement: @unchecked Sendable {
            let lock = NSLock()
            let caller = pthread_self()
            var others = 0, othersInPool = 0
            func add() {
                guard pthread_equal(pthread_self(), caller) == 0 else { return }
                lock.lock(); others += 1; if WorkerPool.isPoolThread { othersInPool += 1 }; lock.unlock()
            }
            var reachedOthers: Bool { lock.lock(); defer { lock.unlock() }; return others > 0 }
        }
        let seen = Placement()
        // Other tests may hold the pool (then a loop runs on its caller): try until it is free, for
        // up to 30 s; each item waits up to 20 ms for another thread to have run one.
        let deadline = Date().addingTimeInterval(30)
        repeat {
            Parallel.drain(16, workers: 2) { _ in
                seen.add()
                for _ in 0..<20 where !seen.reachedOthers { usleep(1000) }
                return true
            }
            _ = Parallel.map(64) { index -> Int in seen.add(); return index }
        } while !seen.reachedOthers && Date() < deadline
        if WorkerPool.shared.threadCount > 0 {
            #expect(seen.others > 0, "no item ran off the caller in 30 s: the pool was busy throughout or never used")
        }
        #expect(seen.others == seen.othersInPool, "\(seen.others) items on other threads, \(seen.othersInPool) of them in the pool")
    }

    @Test("a parallel loop inside a parallel loop finishes (it runs on its caller)")
    func nested() {
        let sums = Parallel.map(8) { outer in Parallel.map(8) { outer * $0 }.reduce(0, +) }
        #expect(sums == (0..<8).map { $0 * 28 })
    }

    @Test("map returns results in index order")
    func mapOrder() {
        #expect(Parallel.map(50) { $0 * $0 } == (0..<50).map { $0 * $0 })
    }
}
