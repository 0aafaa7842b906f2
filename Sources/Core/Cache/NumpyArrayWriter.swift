import Foundation

/// Writes a [rows, width] `.npy` array row by row in any order, without holding it in memory.
///
/// The file is created at full size up front (header + zeros) and rows land at their offsets with
/// `pwrite`, so resident memory stays one row whatever the array's size.
public final class NumpyArrayWriter {
    public let url: URL
    public let rows: Int, width: Int
    public let type: NumpyArrayFile.ScalarType
    private let descriptor: Int32
    private let dataOffset: Int
    private var halfRow: [UInt16]

    public init(url: URL, rows: Int, width: Int, type: NumpyArrayFile.ScalarType) throws {
        self.url = url
        self.rows = rows
        self.width = width
        self.type = type
        let header = NumpyArrayFile.header(shape: [rows, width], type: type)
        dataOffset = header.count
        halfRow = [UInt16](repeating: 0, count: type == .float16 ? width : 0)
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
        precondition(row >= 0 && row < rows && values.count == width, "row \(row) of \(rows), width \(values.count) vs \(width)")
        let offset = off_t(dataOffset + row * width * type.byteWidth)
        let written: Int
        switch type {
        case .float32:
            written = pwrite(descriptor, values.baseAddress, width * 4, offset)
        case .float16:
            for i in 0..<width { halfRow[i] = Float16(values[i]).bitPattern }
            written = halfRow.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, width * 2, offset) }
        }
        guard written == width * type.byteWidth else { throw CacheError.cannotWrite(url, reason: String(cString: strerror(errno))) }
    }

    /// Flushes to disk and closes the file.
    public func close() throws {
        guard fsync(descriptor) == 0 else { throw CacheError.cannotWrite(url, reason: String(cString: strerror(errno))) }
        Glibc.close(descriptor)
    }
}
