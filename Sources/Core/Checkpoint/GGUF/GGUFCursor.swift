import Foundation

/// Bounds-checked little-endian reads through the mapped bytes of a GGUF file.
///
/// Every read checks the bytes left first; `context` names what is being read, for the error
/// when the file ends early.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let url: URL
    var offset = 0
    var context = "the header"

    init(bytes: UnsafeRawBufferPointer, url: URL) {
        self.bytes = bytes
        self.url = url
    }

    /// Bytes from `offset` to the end of the file.
    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .truncated(url, context: context) }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    mutating func readFloat() throws(GGUFError) -> Float { Float(bitPattern: try read(UInt32.self)) }

    mutating func readDouble() throws(GGUFError) -> Double { Double(bitPattern: try read(UInt64.self)) }

    /// A count of items each at least `minimumBytes` long, checked against the bytes left before anyone allocates.
    mutating func readCount(_ what: @autoclosure () -> String, minimumBytes: Int) throws(GGUFError) -> Int {
        let count = try read(UInt64.self)
        guard count <= UInt64(remaining / max(1, minimumBytes)) else {
            throw .implausibleCount(url, what: what(), count: count, bytesLeft: remaining)
        }
        return Int(count)
    }

    /// A string: a UInt64 byte length, then UTF-8 (invalid sequences become U+FFFD).
    mutating func readString() throws(GGUFError) -> String {
        let context = self.context
        let length = try readCount("string length in \(context)", minimumBytes: 1)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
        offset += length
        return text
    }
}
