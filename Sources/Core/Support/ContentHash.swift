import Foundation

/// xxHash64 (Yann Collet's XXH64), used to key caches by the content of models and corpora.
public struct ContentHash: Sendable {
    @usableFromInline static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) static func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotate(acc &+ input &* prime2, 31) &* prime1
    }
    @inline(__always) static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* prime1 &+ prime4
    }

    /// XXH64 of a byte buffer.
    public static func xxh64(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var state = Stream(seed: seed)
        let stripes = bytes.count / 32 * 32
        state.consumeStripes(UnsafeRawBufferPointer(rebasing: bytes[0..<stripes]))
        return state.finish(tail: UnsafeRawBufferPointer(rebasing: bytes[stripes...]))
    }

    /// XXH64 over bytes that arrive in pieces: whole 32-byte stripes, then the last < 32 bytes.
    /// Gives the same value as the one-shot `xxh64` of all the bytes.
    public struct Stream {
        var v1, v2, v3, v4: UInt64
        let seed: UInt64
        var length = 0

        public init(seed: UInt64 = 0) {
            self.seed = seed
            v1 = seed &+ prime1 &+ prime2; v2 = seed &+ prime2; v3 = seed; v4 = seed &- prime1
        }

        /// Bytes whose count is a multiple of 32.
        public mutating func consumeStripes(_ bytes: UnsafeRawBufferPointer) {
            precondition(bytes.count % 32 == 0, "stripes come in multiples of 32 bytes")
            @inline(__always) func read64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            var offset = 0
            while offset < bytes.count {
                v1 = round(v1, read64(offset)); v2 = round(v2, read64(offset + 8))
                v3 = round(v3, read64(offset + 16)); v4 = round(v4, read64(offset + 24))
                offset += 32
            }
            length += bytes.count
        }

        /// The hash, after the last (fewer than 32) bytes.
        public func finish(tail bytes: UnsafeRawBufferPointer) -> UInt64 {
            precondition(bytes.count < 32, "the tail is shorter than a stripe")
            @inline(__always) func read64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            var hash: UInt64
            if length >= 32 {
                hash = rotate(v1, 1) &+ rotate(v2, 7) &+ rotate(v3, 12) &+ rotate(v4, 18)
                hash = merge(hash, v1); hash = merge(hash, v2); hash = merge(hash, v3); hash = merge(hash, v4)
            } else {
                hash = seed &+ prime5
            }
            hash = hash &+ UInt64(length + bytes.count)
            var offset = 0
            while offset + 8 <= bytes.count {
                hash ^= round(0, read64(offset))
                hash = rotate(hash, 27) &* prime1 &+ prime4
                offset += 8
            }
            if offset + 4 <= bytes.count {
                hash ^= UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) &* prime1
                hash = rotate(hash, 23) &* prime2 &+ prime3
                offset += 4
            }
            while offset < bytes.count {
                hash ^= UInt64(bytes[offset]) &* prime5
                hash = rotate(hash, 11) &* prime1
                offset += 1
            }
            hash ^= hash >> 33; hash = hash &* prime2
            hash ^= hash >> 29; hash = hash &* prime3
            hash ^= hash >> 32
            return hash
        }
    }

    /// XXH64 of a string's UTF-8 bytes.
    public static func xxh64(_ string: String, seed: UInt64 = 0) -> UInt64 {
        var copy = string
        return copy.withUTF8 { xxh64(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// XXH64 of a file's bytes as 16 hex digits, read 4 MB at a time (so hashing a large cache
    /// file does not make it resident in this process).
    public static func ofFile(_ url: URL) throws -> String { hex(try ofFileWithSize(url).hash) }

    /// A file that could not be read for hashing, with the system's reason.
    public struct ReadError: Error, CustomStringConvertible {
        public var url: URL
        public var reason: String
        public var description: String { "\(url.path): cannot read (\(reason))" }
    }

    /// XXH64 of a file's bytes and its size in bytes.
    public static func ofFileWithSize(_ url: URL) throws -> (hash: UInt64, byteCount: Int) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ReadError(url: url, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var state = Stream(), filled = 0
        while true {
            let count = read(descriptor, buffer.baseAddress! + filled, chunk - filled)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ReadError(url: url, reason: String(cString: strerror(errno))) }
            filled += count
            if count == 0 || filled == chunk {
                let stripes = filled / 32 * 32
                state.consumeStripes(UnsafeRawBufferPointer(rebasing: buffer[0..<stripes]))
                if count == 0 {
                    return (state.finish(tail: UnsafeRawBufferPointer(rebasing: buffer[stripes..<filled])), state.length + filled - stripes)
                }
                filled = 0   // a full chunk is a multiple of 32 bytes
            }
        }
    }

    /// One hex key for several parts (file hashes, settings), order-sensitive.
    public static func combine(_ parts: [String]) -> String {
        hex(xxh64(parts.joined(separator: "\u{1F}")))
    }

    public static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
