#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator treats the large, short-lived arrays of a forward pass.
public enum MemoryAllocator {
    /// glibc hands blocks above its mmap threshold (128 KB, rising to at most 32 MB) back to the kernel
    /// when they are freed, so every layer's fresh activations page-fault and are zeroed again.
    /// Keeping blocks up to 256 MB in the heap removes that work (about 3% of MiniLM extraction here);
    /// peak memory is unchanged, since freed blocks are reused for the next batch's arrays.
    public static func keepLargeBlocks() {
        #if canImport(Glibc)
        // <malloc.h> is not part of Swift's Glibc module: mallopt is looked up by name, and its
        // parameter numbers are glibc's (M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 256 << 20)
        _ = mallopt(-1, 512 << 20)
        #endif
    }
}
