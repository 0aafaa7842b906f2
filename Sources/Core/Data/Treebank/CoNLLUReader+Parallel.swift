import Foundation

extension CoNLLUReader {
    /// Reads several files concurrently; the result is in the order of `urls`.
    ///
    /// - Throws: the first ``CoNLLUError`` in `urls` order.
    public static func readAll(_ urls: [URL]) throws -> [TreebankFile] {
        let results = ResultSlots<TreebankFile>(count: urls.count)
        DispatchQueue.concurrentPerform(iterations: urls.count) { index in
            results.set(index, Result { try read(urls[index]) })
        }
        return try results.values().map { try $0.get() }
    }
}

/// Fixed slots written once each from concurrent work, read after it finished.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Value, any Error>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func values() -> [Result<Value, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0 ?? .failure(CancellationError()) }
    }
}
