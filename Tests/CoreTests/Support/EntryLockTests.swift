import Foundation
import Testing
@testable import Support

@Suite("Entry lock")
struct EntryLockTests {
    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("one holder at a time; the lock file goes when the holder lets go")
    func exclusive() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let entry = folder.appendingPathComponent("model-abc", isDirectory: true)
        let held = try #require(try EntryLock.attempt(for: entry))
        #expect(held.url.lastPathComponent == "model-abc.lock")
        #expect(FileManager.default.fileExists(atPath: held.url.path))
        #expect(try EntryLock.attempt(for: entry) == nil, "a second holder while the first holds it")
        held.release()
        #expect(!FileManager.default.fileExists(atPath: held.url.path))
        let again = try #require(try EntryLock.attempt(for: entry))
        again.release()
    }

    @Test("a waiter says so once, and gets the lock when the holder lets go")
    func waits() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let entry = folder.appendingPathComponent("x.json")
        final class Holder: @unchecked Sendable {   // handed to one other thread, which lets go
            let lock: EntryLock
            init(_ lock: EntryLock) { self.lock = lock }
        }
        let held = Holder(try #require(try EntryLock.attempt(for: entry)))
        let released = Date().addingTimeInterval(0.4)
        Thread.detachNewThread { Thread.sleep(until: released); held.lock.release() }
        var messages: [String] = []
        let lock = try EntryLock.acquire(for: entry, waiting: { messages.append($0) })
        #expect(Date() >= released)
        #expect(messages == ["waiting for another process building \(entry.path)"])
        lock.release()
        let stop = try #require(try EntryLock.attempt(for: entry))
        #expect(throws: CancellationError.self) { try EntryLock.acquire(for: entry, shouldStop: { true }) }
        stop.release()
    }

    @Test("a holder that is killed lets go (the kernel drops its lock)")
    func killedHolder() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else {
            Issue.record("util-linux flock is missing")
            return
        }
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let entry = folder.appendingPathComponent("entry", isDirectory: true)
        // One process that holds the lock: the shell opens the file, flock(1) locks that open file,
        // and the shell says so and becomes `sleep` with the file still open.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9>\"$0\"; /usr/bin/flock 9; echo locked; exec sleep 60", EntryLock.lockFile(for: entry).path]
        let said = Pipe()
        holder.standardOutput = said
        try holder.run()
        #expect(String(decoding: said.fileHandleForReading.readData(ofLength: 6), as: UTF8.self) == "locked")
        #expect(try EntryLock.attempt(for: entry) == nil, "flock(1) holds the lock")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let lock = try #require(try EntryLock.attempt(for: entry), "a killed holder's lock is free")
        lock.release()
    }
}
