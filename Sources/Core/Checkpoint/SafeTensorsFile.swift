import Foundation
import Kernels

/// One `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}}`, then the raw tensor bytes.
///
/// Tensors are read with `pread` straight into their Float arrays (not memory-mapped), so loading
/// a model keeps only the converted weights resident.
public struct SafeTensorsFile: Sendable {
    /// Where a tensor sits in the file.
    public struct Entry: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        public var byteRange: Range<Int>
    }

    public let url: URL
    /// Every tensor of the file by name (the `__metadata__` entry excluded).
    public let entries: [String: Entry]
    /// The header's `__metadata__` strings (empty when absent; non-string values are left out).
    public let metadata: [String: String]
    private let dataStart: Int

    /// Parses the header; fails on anything inconsistent with the file's size.
    public init(url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw CheckpointError.missingFile(url) }
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CheckpointError.unreadableFile(url, reason: "permission denied or not a file")
        }
        defer { try? handle.close() }
        let fileSize = (try? handle.seekToEnd()).map(Int.init) ?? 0
        try? handle.seek(toOffset: 0)
        guard fileSize >= 8, let prefix = try? handle.read(upToCount: 8), prefix.count == 8 else {
            throw CheckpointError.malformedHeader(url, reason: "file shorter than 8 bytes")
        }
        // Unsigned, as stored: 2⁶⁴ − 1 is a length, not −1.
        let headerLength = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength > 0 else { throw CheckpointError.malformedHeader(url, reason: "header length 0 (no header)") }
        guard headerLength <= UInt64(fileSize - 8) else {
            throw CheckpointError.malformedHeader(url, reason: "header length \(headerLength) exceeds the file size (\(fileSize) bytes)")
        }
        let length = Int(headerLength)
        guard let headerData = try? handle.read(upToCount: length), headerData.count == length else {
            throw CheckpointError.malformedHeader(url, reason: "header unreadable")
        }
        let json: JSONValue
        do { json = try JSONValue.parse([UInt8](headerData), rejectingDuplicateKeys: true) } catch let error as JSONValue.SyntaxError {
            if let duplicate = error.duplicate {
                throw CheckpointError.malformedHeader(url, reason: duplicate.depth == 0 ? "tensor name '\(duplicate.key)' appears twice"
                                                                                        : "key '\(duplicate.key)' appears twice in one entry")
            }
            throw CheckpointError.malformedHeader(url, reason: "header is not JSON (\(error))")
        }
        guard case .object(let header) = json else { throw CheckpointError.malformedHeader(url, reason: "header is not an object") }
        let payload = fileSize - 8 - length
        var entries: [String: Entry] = [:]
        for (name, value) in header.members where name != "__metadata__" {
            guard case .object(let object) = value, case .string(let dtype)? = object["dtype"],
                  case .array(let shapeValues)? = object["shape"], case .array(let offsetValues)? = object["data_offsets"],
                  offsetValues.count == 2
            else { throw CheckpointError.malformedHeader(url, reason: "entry '\(name)' lacks dtype, shape or data_offsets") }
            let shape = shapeValues.compactMap { $0.integer.flatMap { $0 >= 0 ? $0 : nil } }
            let offsets = offsetValues.compactMap { $0.integer.flatMap { $0 >= 0 ? $0 : nil } }
            guard shape.count == shapeValues.count, shape.count <= 8 else {
                throw CheckpointError.malformedHeader(url, reason: "entry '\(name)': shape must list at most 8 non-negative integers")
            }
            guard offsets.count == 2, offsets[0] <= offsets[1], offsets[1] <= payload else {
                throw CheckpointError.tensorOutOfBounds(url, tensor: name)
            }
            // The element count must not overflow: a shape of [2⁴⁰, 2⁴⁰] is an error, not a trap.
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= payload else { throw CheckpointError.tensorOutOfBounds(url, tensor: name) }
                count = product
            }
            if let width = Self.byteWidth(dtype), count * width != offsets[1] - offsets[0] {
                throw CheckpointError.malformedHeader(url, reason: "entry '\(name)': \(shape) × \(dtype) ≠ \(offsets[1] - offsets[0]) bytes")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        self.url = url
        self.entries = entries
        var metadata: [String: String] = [:]
        if case .object(let object)? = header["__metadata__"] {
            for (key, value) in object.members { if case .string(let text) = value { metadata[key] = text } }
        }
        self.metadata = metadata
        self.dataStart = 8 + length
    }

    static func byteWidth(_ dtype: String) -> Int? {
        switch dtype {
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "F64", "I64", "U64": return 8
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    /// A tensor converted to Float32 (from F32, F16 or BF16).
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else { throw CheckpointError.missingWeights(url, keys: [name]) }
        guard ["F32", "F16", "BF16"].contains(entry.dtype) else {
            throw CheckpointError.unsupportedDType(url, tensor: name, dtype: entry.dtype)
        }
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw CheckpointError.unreadableFile(url, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let count = entry.shape.reduce(1, *)
        let offset = dataStart + entry.byteRange.lowerBound
        var failure = false
        let tensor = Tensor(shape: entry.shape) { out in
            if entry.dtype == "F32" {
                failure = !Self.readFully(descriptor, into: UnsafeMutableRawPointer(out.baseAddress!), count: count * 4, offset: offset)
                return
            }
            // Half precision: read in chunks and widen.
            let chunk = 1 << 16
            var halves = [UInt16](repeating: 0, count: chunk)
            var done = 0
            while done < count && !failure {
                let n = min(chunk, count - done)
                halves.withUnsafeMutableBytes { raw in
                    failure = !Self.readFully(descriptor, into: raw.baseAddress!, count: n * 2, offset: offset + done * 2)
                }
                if entry.dtype == "F16" {
                    for i in 0..<n { out[done + i] = Float(Float16(bitPattern: UInt16(littleEndian: halves[i]))) }
                } else {
                    for i in 0..<n { out[done + i] = Float(bitPattern: UInt32(UInt16(littleEndian: halves[i])) << 16) }
                }
                done += n
            }
        }
        if failure { throw CheckpointError.tensorOutOfBounds(url, tensor: name) }
        return tensor
    }

    private static func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int) -> Bool {
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}
