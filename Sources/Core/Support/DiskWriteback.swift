#if canImport(Glibc)
import Glibc
#endif

/// Starts writing a file's dirty pages to disk without waiting for them.
///
/// A cache file written for seconds and then `fsync`ed makes the run wait at the end for all of
/// its bytes to reach the disk; asking Linux to begin writeback as the file grows overlaps that
/// I/O with the computation, so the final `fsync` finds little left to do.
public enum DiskWriteback {
    /// `sync_file_range(descriptor, 0, 0, SYNC_FILE_RANGE_WRITE)`: queue writeback of every dirty
    /// page of the file and return. A no-op where the call is unavailable (the `fsync` still runs).
    public static func begin(_ descriptor: Int32) {
        #if canImport(Glibc)
        guard let start = syncFileRange else { return }
        _ = start(descriptor, 0, 0, 2)
        #endif
    }

    #if canImport(Glibc)
    // sync_file_range is declared only under _GNU_SOURCE, which Swift's Glibc module does not set:
    // it is looked up by name (SYNC_FILE_RANGE_WRITE = 2).
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let syncFileRange: SyncFileRange? = dlsym(nil, "sync_file_range").map {
        unsafeBitCast($0, to: SyncFileRange.self)
    }
    #endif
}
