import Foundation
import Testing
@testable import Kernels

@Suite("OpenBLAS thread count")
struct BLASThreadsTests {
    /// Other suites open sections of their own meanwhile: with none open, the count must be back.
    static func restored(to count: Int) -> Bool { BLAS.threadCount == count || SingleThreadedSections.openSections > 0 }

    @Test("single-threaded sections that overlap on two threads leave OpenBLAS at the count the first one found")
    func overlappingSections() async {
        let before = BLAS.threadCount
        let firstEntered = DispatchSemaphore(value: 0), secondEntered = DispatchSemaphore(value: 0)
        let firstMayLeave = DispatchSemaphore(value: 0)
        let seen = SeenCounts()
        // The REPL's shape: a config's curves (first) outlive the ranking of a new config (second),
        // which started while they ran. Saving and restoring around each left one thread for good.
        let first = Thread {
            BLAS.singleThreaded {
                seen.add(BLAS.threadCount)
                firstEntered.signal()
                firstMayLeave.wait()
            }
        }
        first.start()
        firstEntered.wait()
        BLAS.singleThreaded {
            seen.add(BLAS.threadCount)
            secondEntered.signal()
        }
        secondEntered.wait()
        seen.add(BLAS.threadCount)   // the first section is still open
        firstMayLeave.signal()
        while !first.isFinished { try? await Task.sleep(nanoseconds: 1_000_000) }
        #expect(seen.values == [1, 1, 1])
        #expect(Self.restored(to: before), "OpenBLAS at \(BLAS.threadCount) threads, \(before) before")
        #expect(BLAS.singleThreaded(when: false) { BLAS.threadCount } == BLAS.threadCount)
    }
}

private final class SeenCounts: @unchecked Sendable {
    private var stored: [Int] = []
    private let lock = NSLock()
    func add(_ value: Int) { lock.withLock { stored.append(value) } }
    var values: [Int] { lock.withLock { stored } }
}
