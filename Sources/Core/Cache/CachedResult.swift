import Foundation
import Support

/// A computed result kept as JSON in a cache folder (a config's curves, an intervention sweep), with
/// its xxHash64 beside it in `<file>.xxh64`, as the activation cache keeps each array's hash.
///
/// A result is read back only when its bytes match the checksum: an edited or damaged file (or one
/// without a checksum, written by an older version) is reported and computed again. Processes that
/// need the same result at once compute it once: the first holds the file's ``EntryLock``, the
/// others wait and read what it stored.
public enum CachedResult {
    /// What a cache file holds.
    public enum Lookup<Value> {
        case found(Value)
        case absent
        /// Present but not to be trusted, and why.
        case damaged(String)
    }

    /// Where the checksum of a result file lives.
    public static func checksumFile(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".xxh64")
    }

    /// The result stored at `url`, if its bytes match their checksum and decode.
    public static func lookup<Value: Decodable>(_ type: Value.Type, at url: URL) -> Lookup<Value> {
        guard let data = try? Data(contentsOf: url) else { return .absent }
        guard let stored = try? String(contentsOf: checksumFile(for: url), encoding: .utf8) else {
            return .damaged("it has no checksum (\(checksumFile(for: url).lastPathComponent))")
        }
        let actual = checksum(data)
        guard stored.trimmingCharacters(in: .whitespacesAndNewlines) == actual else {
            return .damaged("its bytes do not match their checksum (xxh64 \(actual), recorded \(stored.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        do { return .found(try JSONDecoder().decode(Value.self, from: data)) } catch {
            return .damaged("it cannot be read: \(error)")
        }
    }

    /// Stores a result and then its checksum, each atomically.
    public static func store<Value: Encodable>(_ value: Value, at url: URL) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let data = try JSONEncoder().encode(value)
            try data.write(to: url, options: .atomic)
            try Data((checksum(data) + "\n").utf8).write(to: checksumFile(for: url), options: .atomic)
        } catch let error as EncodingError {
            throw error
        } catch {
            throw CacheError.cannotWrite(url, reason: ErrorMessage.reason(error))
        }
    }

    /// The result cached at `url`, else computed now (once among processes) and stored.
    ///
    /// - Parameters:
    ///   - log: one-line messages: a damaged result that is recomputed, waiting for another process.
    ///   - compute: makes the result; runs while this process holds the file's lock.
    /// - Returns: the result and whether it came from the cache.
    public static func value<Value: Codable>(at url: URL, log: (String) -> Void,
                                             compute: () throws -> Value) throws -> (value: Value, cached: Bool) {
        var warned = false
        switch lookup(Value.self, at: url) {
        case .found(let value): return (value, true)
        case .absent: break
        case .damaged(let reason):
            log("warning: the cached result \(url.path) is not trusted: \(reason) — computing it again")
            warned = true
        }
        try ActivationCache.makeFolder(url.deletingLastPathComponent())
        let lock = try EntryLock.acquire(for: url, waiting: log)
        defer { lock.release() }
        switch lookup(Value.self, at: url) {
        case .found(let value): return (value, true)   // another process computed it meanwhile
        case .absent: break
        case .damaged(let reason):
            if !warned { log("warning: the cached result \(url.path) is not trusted: \(reason) — computing it again") }
        }
        let value = try compute()
        try StageClock.measure(.resultCacheWrite) { try store(value, at: url) }
        return (value, false)
    }

    static func checksum(_ data: Data) -> String {
        data.withUnsafeBytes { ContentHash.hex(ContentHash.xxh64($0)) }
    }
}

extension StageClock.Stage {
    /// ``CachedResult/store(_:at:)`` of a result just computed.
    public static let resultCacheWrite = Self("result cache write")
}
