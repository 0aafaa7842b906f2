import Foundation
import Support

/// Writes a [rows, width] `.npy` array a row or a block of consecutive rows at a time, in any order,
/// without holding it in memory.
///
/// The file is created at full size up front (header + zeros) and rows land at their offsets with
/// `pwrite`, so resident memory stays one block whatever the array's size. Writeback to disk starts
/// every 16 MB, while the caller keeps computing. One thread writes to a writer at a time.
public final class NumpyArrayWriter: @unchecked Sendable {
    public let url: URL
    public let rows: Int, width: Int
    public let type: NumpyArrayFile.ScalarType
    private let descriptor: Int32
    private let dataOffset: Int
    /// Conversion buffer for float16 files.
    private var halfBuffer: [UInt16]
    /// Bytes written since writeback was last started (see `DiskWriteback`).
    private var bytesSinceWriteback = 0
    /// Writeback starts after this many bytes, so `close()` finds little left to flush.
    static let writebackStride = 16 << 20

    public init(url: URL, rows: Int, width: Int, type: NumpyArrayFile.ScalarType) throws {
        self.url = url
        self.rows = rows
        self.width = width
        self.type = type
        let header = NumpyArrayFile.header(shape: [rows, width], type: type)
        dataOffset = header.count
        halfBuffer = [UInt16](repeating: 0, count: type == .float16 ? width : 0)
        descriptor = open(url.path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        guard descriptor >= 0 else { throw CacheError.cannotWrite(url, reason: String(cString: strerror(errno))) }
        let written = header.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, header.count, 0) }
        guard written == header.count, ftruncate(descriptor, off_t(dataOffset + rows * width * type.byteWidth)) == 0 else {
            Glibc.close(descriptor)
            throw CacheError.cannotWrite(url, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes one row.
    public func write(row: Int, _ values: UnsafeBufferPointer<Float>) throws {
        precondition(values.count == width, "row width \(values.count) vs \(width)")
        try write(firstRow: row, values)
    }

    /// Writes consecutive rows from `firstRow` on (`values.count` a multiple of the width) with one
    /// `pwrite`: a sentence's words are consecutive rows, so extraction makes one call per sentence.
    public func write(firstRow: Int, _ values: UnsafeBufferPointer<Float>) throws {
        let count = values.count / max(width, 1)
        precondition(values.count == count * width && firstRow >= 0 && firstRow + count <= rows,
                     "rows \(firstRow)..<\(firstRow + count) of \(rows), \(values.count) values for width \(width)")
        let offset = dataOffset + firstRow * width * type.byteWidth
        switch type {
        case .float32:
            try writeAll(UnsafeRawBufferPointer(values), at: offset)
        case .float16:
            if halfBuffer.count < values.count { halfBuffer = [UInt16](repeating: 0, count: values.count) }
            for i in 0..<values.count { halfBuffer[i] = Float16(values[i]).bitPattern }
            try halfBuffer.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<(values.count * 2)]), at: offset) }
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw CacheError.cannotWrite(url, reason: String(cString: strerror(errno))) }
            done += written
        }
        bytesSinceWriteback += bytes.count
        if bytesSinceWriteback >= Self.writebackStride {
            DiskWriteback.begin(descriptor)
            bytesSinceWriteback = 0
        }
    }

    /// Flushes to disk and closes the file.
    public func close() throws {
        guard fsync(descriptor) == 0 else { throw CacheError.cannotWrite(url, reason: String(cString: strerror(errno))) }
        Glibc.close(descriptor)
    }
}
