import Foundation
import Support

/// The content-addressed store of word activations on disk.
///
/// An extraction lives in `root/<model>-<key>/` where the key hashes the model's files, the corpus
/// files' bytes, the layers, the aggregation and the dtype. A folder appears only complete (built
/// under a `.partial-<pid>` name, then renamed), and is verified by size and hash whenever opened.
/// One process builds an entry at a time (``EntryLock`` on `<entry>.lock`); the others wait and adopt it.
///
/// This is the storage: entries, their locks and their verification. What goes into an entry — the
/// model, the treebanks, the extraction — is the pipeline's (`ActivationCache+Extraction` in
/// Activations/), which hands ``entry(at:reusing:shouldStop:log:building:)`` a closure that writes it.
public struct ActivationCache: Sendable {
    public var root: URL

    public init(root: URL = ActivationCache.defaultRoot) { self.root = root }

    /// A cache whose activations lie in `cacheRoot/activations`.
    public init(cacheRoot: URL) { self.init(root: cacheRoot.appendingPathComponent("activations", isDirectory: true)) }

    /// The one cache root: `$NEURON_CACHE`, else `~/.cache/neuron-workbench`. Activations, results,
    /// readout heads and compiled scripts are folders in it (``folder(_:)``).
    public static var defaultCacheRoot: URL {
        if let path = ProcessInfo.processInfo.environment["NEURON_CACHE"] { return URL(fileURLWithPath: path, isDirectory: true) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/neuron-workbench", isDirectory: true)
    }

    /// `<cache root>/activations`.
    public static var defaultRoot: URL { defaultCacheRoot.appendingPathComponent("activations", isDirectory: true) }

    /// The cache root this cache's activations folder lies in.
    public var cacheRoot: URL { root.deletingLastPathComponent() }

    /// A folder of the cache root beside the activations: `results`, `readout-heads`, `scripts`.
    public func folder(_ name: String) -> URL { cacheRoot.appendingPathComponent(name, isDirectory: true) }

    /// Creates a folder (and its parents), or says which one could not be made and why.
    package static func makeFolder(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw CacheError.cannotWrite(url, reason: ErrorMessage.reason(error))
        }
    }

    /// The entry at `url` (a folder under ``root``), built now by `building` if absent or corrupted.
    ///
    /// Processes that need the same entry at once build it once: the builder holds the entry's
    /// ``EntryLock``; the others say they are waiting, then read what it wrote.
    ///
    /// - Parameters:
    ///   - reusing: a finished entry that holds what this one would (checked before and after the lock).
    ///   - shouldStop: polled while waiting and by `building`; stopping removes the partial folder.
    ///   - building: writes the entry's files into the partial folder it is given.
    package func entry(at url: URL, reusing: () -> ActivationStore?, shouldStop: () -> Bool,
                       log: (String) -> Void, building: (URL) throws -> Void) throws -> ActivationStore {
        if let store = try finished(url, removeDamaged: false, log: log) { return store }
        if let wider = reusing() { return self.reusing(wider, log: log) }
        try Self.makeFolder(root)
        let lock = try EntryLock.acquire(for: url, waiting: log, shouldStop: shouldStop)
        defer { lock.release() }
        // Another process may have built it while this one waited.
        if let store = try finished(url, removeDamaged: true, log: log) { return store }
        if let wider = reusing() { return self.reusing(wider, log: log) }
        removeAbandonedPartials(building: url.lastPathComponent)
        let partial = root.appendingPathComponent(url.lastPathComponent + ".partial-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: partial)
        try Self.makeFolder(partial)
        do {
            try building(partial)
            do { try FileManager.default.moveItem(at: partial, to: url) } catch {
                throw CacheError.cannotWrite(url, reason: ErrorMessage.reason(error))
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return try ActivationStore(directory: url)
    }

    /// The finished entry at `url`, if there is one that verifies. A damaged one is removed
    /// only by the holder of the entry's lock (`removeDamaged`), which then rebuilds it.
    private func finished(_ url: URL, removeDamaged: Bool, log: (String) -> Void) throws -> ActivationStore? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let store = try ActivationStore(directory: url)
            log("reusing cached activations \(url.path)")
            return store
        } catch {
            guard removeDamaged else { return nil }
            log("rebuilding: \(error)")
            try FileManager.default.removeItem(at: url)
            return nil
        }
    }

    private func reusing(_ wider: ActivationStore, log: (String) -> Void) -> ActivationStore {
        log("reusing cached activations \(wider.directory.path) (layers \(wider.manifest.layers.map(String.init).joined(separator: ",")))")
        return wider
    }

    /// The first finished entry whose folder name starts with `prefix` and whose manifest (of this
    /// format) `matches`, if any.
    package func firstStore(named prefix: String, where matches: (ActivationManifest) -> Bool) -> ActivationStore? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return nil }
        for name in names.sorted() where name.hasPrefix(prefix) && !name.contains(".partial-") && !EntryLock.isLockFile(name) {
            let folder = root.appendingPathComponent(name, isDirectory: true)
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
                  let manifest = try? JSONDecoder().decode(ActivationManifest.self, from: data),
                  manifest.format == ActivationManifest.currentFormat, matches(manifest) else { continue }
            if let store = try? ActivationStore(directory: folder) { return store }
        }
        return nil
    }

    /// Deletes `.partial-<pid>` folders that nobody is building any more (a crash or kill -9
    /// mid-extraction): those of the entry this process holds the lock of, and those whose entry's
    /// lock is free and whose process is gone. A builder on another machine of a shared file system
    /// holds its entry's lock, so its folder is kept whatever its pid means here.
    package func removeAbandonedPartials(building entry: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return }
        for name in names {
            guard let range = name.range(of: ".partial-"), let pid = Int32(name[range.upperBound...]) else { continue }
            let owner = String(name[..<range.lowerBound])
            let abandoned: Bool
            if owner == entry {
                abandoned = true
            } else if pid != getpid() && kill(pid, 0) == 0 {
                abandoned = false
            } else if let lock = try? EntryLock.attempt(for: root.appendingPathComponent(owner, isDirectory: true)) {
                lock.release()
                abandoned = true
            } else {
                abandoned = false
            }
            if abandoned { try? FileManager.default.removeItem(at: root.appendingPathComponent(name)) }
        }
    }
}
