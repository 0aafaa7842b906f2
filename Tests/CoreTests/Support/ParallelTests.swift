import Foundation
import Testing
@testable import Core

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

    @Test("map returns results in index order")
    func mapOrder() {
        #expect(Parallel.map(50) { $0 * $0 } == (0..<50).map { $0 * $0 })
    }
}
