import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one lock every cache writer takes before it builds an entry: an exclusive POSIX advisory
/// lock (`flock(2)`) on `<entry>.lock` beside the entry, so that two processes that need the same
/// entry (shards started together, a Slurm array on a shared file system) build it once — the
/// second waits, then adopts what the first wrote.
///
/// The kernel drops the lock when its holder exits, however it exits (a crash, `kill -9`), so a
/// stale lock file never blocks anyone. Linux emulates `flock` with POSIX byte-range locks on NFS,
/// so it holds across the nodes of a cluster too.
///
/// The holder removes the lock file before it lets go; a process that was waiting on the removed
/// file sees that the path no longer names the file it locked and starts over, so two processes
/// never both hold "the" lock of an entry.
public final class EntryLock {
    /// The lock file.
    public let url: URL
    private var descriptor: Int32

    private init(url: URL, descriptor: Int32) {
        self.url = url
        self.descriptor = descriptor
    }

    deinit { release() }

    /// `<entry>.lock` beside the entry (a folder or a file).
    public static func lockFile(for entry: URL) -> URL {
        entry.deletingLastPathComponent().appendingPathComponent(entry.lastPathComponent + ".lock")
    }

    /// Whether a file name is a lock file (scans of a cache folder skip them).
    public static func isLockFile(_ name: String) -> Bool { name.hasSuffix(".lock") }

    /// Takes the lock of `entry`, waiting for as long as another process holds it.
    ///
    /// - Parameters:
    ///   - waiting: told once, before waiting, "waiting for another process building <entry>".
    ///   - shouldStop: polled while waiting (default: Ctrl-C was pressed); stopping throws `CancellationError`.
    /// - Throws: ``CacheError/cannotWrite(_:reason:)`` when the lock file cannot be made.
    public static func acquire(for entry: URL, waiting: (String) -> Void = { _ in },
                               shouldStop: () -> Bool = { Interruption.requested }) throws -> EntryLock {
        var told = false
        while true {
            if let lock = try attempt(for: entry) { return lock }
            if !told {
                waiting("waiting for another process building \(entry.path)")
                told = true
            }
            if shouldStop() { throw CancellationError() }
            usleep(100_000)
        }
    }

    /// Takes the lock of `entry` if no other process holds it; nil if one does.
    public static func attempt(for entry: URL) throws -> EntryLock? {
        let url = lockFile(for: entry)
        while true {
            let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw CacheError.cannotWrite(url, reason: String(cString: strerror(errno)))
            }
            var result = flock(descriptor, LOCK_EX | LOCK_NB)
            while result != 0 && errno == EINTR { result = flock(descriptor, LOCK_EX | LOCK_NB) }
            guard result == 0 else {
                let failure = errno
                close(descriptor)
                if failure == EWOULDBLOCK { return nil }
                throw CacheError.cannotWrite(url, reason: "cannot lock: \(String(cString: strerror(failure)))")
            }
            // The previous holder may have removed the file between our open and our flock: then the
            // lock we hold is on a file nobody else will ever open. Start over on the path's file.
            var held = stat(), named = stat()
            if fstat(descriptor, &held) == 0, stat(url.path, &named) == 0, held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                return EntryLock(url: url, descriptor: descriptor)
            }
            close(descriptor)
        }
    }

    /// Removes the lock file and lets go (idempotent; also when the lock is freed).
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(url.path)
        close(descriptor)
        descriptor = -1
    }

    /// Runs `body` holding the lock of `entry`.
    public static func withLock<T>(for entry: URL, waiting: (String) -> Void = { _ in }, _ body: () throws -> T) throws -> T {
        let lock = try acquire(for: entry, waiting: waiting)
        defer { lock.release() }
        return try body()
    }
}
