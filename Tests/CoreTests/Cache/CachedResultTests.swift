import Foundation
import Testing
@testable import Support
@testable import Storage
@testable import Analysis

@Suite("Cached result")
struct CachedResultTests {
    struct Value: Codable, Equatable {
        var name: String
        var accuracy: [Double]
    }

    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cached-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a stored result reads back; an edited digit, a missing checksum or garbage are not trusted")
    func checksum() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("results/config.json")
        let value = Value(name: "English Number L4", accuracy: [0.8125, 0.9])
        try CachedResult.store(value, at: url)
        guard case .found(let read) = CachedResult.lookup(Value.self, at: url) else { Issue.record("not found"); return }
        #expect(read == value)

        let text = try String(contentsOf: url, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "0.8125", with: "0.8126").utf8).write(to: url)
        guard case .damaged(let reason) = CachedResult.lookup(Value.self, at: url) else { Issue.record("an edit was trusted"); return }
        #expect(reason.hasPrefix("its bytes do not match their checksum"), "\(reason)")

        try CachedResult.store(value, at: url)
        try FileManager.default.removeItem(at: CachedResult.checksumFile(for: url))
        guard case .damaged(let missing) = CachedResult.lookup(Value.self, at: url) else { Issue.record("no checksum was trusted"); return }
        #expect(missing == "it has no checksum (config.json.xxh64)")
        guard case .absent = CachedResult.lookup(Value.self, at: folder.appendingPathComponent("none.json")) else {
            Issue.record("an absent file was found"); return
        }
    }

    @Test("a damaged result is reported and computed again; a sound one is not recomputed")
    func recompute() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("config.json")
        var computed = 0
        var log: [String] = []
        func value() throws -> (value: Value, cached: Bool) {
            try CachedResult.value(at: url, log: { log.append($0) }) {
                computed += 1
                return Value(name: "c", accuracy: [0.5])
            }
        }
        #expect(try value().cached == false)
        #expect(try value().cached == true)
        #expect(computed == 1)
        try Data(#"{"name":"c","accuracy":[0.9]}"#.utf8).write(to: url)
        let again = try value()
        #expect(again.cached == false && again.value.accuracy == [0.5])
        #expect(computed == 2)
        #expect(log.count == 1 && log[0].hasPrefix("warning: the cached result \(url.path) is not trusted"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: EntryLock.lockFile(for: url).path))
    }

    @Test("two computations of one result at once: one computes, the other waits and reads it")
    func once() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("shared.json")
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var computed = 0, cached: [Bool] = [], errors: [String] = []
        }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do {
                let result = try CachedResult.value(at: url, log: { _ in }) { () -> Value in
                    outcomes.lock.withLock { outcomes.computed += 1 }
                    Thread.sleep(forTimeInterval: 0.3)
                    return Value(name: "s", accuracy: [1])
                }
                outcomes.lock.withLock { outcomes.cached.append(result.cached) }
            } catch {
                outcomes.lock.withLock { outcomes.errors.append("\(error)") }
            }
        }
        #expect(outcomes.errors.isEmpty, "\(outcomes.errors)")
        #expect(outcomes.computed == 1)
        #expect(outcomes.cached.sorted { !$0 && $1 } == [false, true])
    }
}
