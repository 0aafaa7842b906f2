import Foundation

/// One `.safetensors` file, memory-mapped: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}}`, then the raw tensor bytes.
public struct SafeTensorsFile: @unchecked Sendable {
    /// Where a tensor sits in the file.
    public struct Entry: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        public var byteRange: Range<Int>
    }

    public let url: URL
    /// Every tensor of the file by name (the `__metadata__` entry excluded).
    public let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    /// Maps the file and parses its header; fails on anything inconsistent.
    public init(url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw CheckpointError.missingFile(url) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.unreadableFile(url, reason: error.localizedDescription)
        }
        guard data.count >= 8 else { throw CheckpointError.malformedHeader(url, reason: "file shorter than 8 bytes") }
        let headerLength = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard headerLength > 0, headerLength <= data.count - 8 else {
            throw CheckpointError.malformedHeader(url, reason: "header length \(headerLength) exceeds file size \(data.count)")
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) } catch {
            throw CheckpointError.malformedHeader(url, reason: "header is not JSON")
        }
        guard let header = json as? [String: Any] else { throw CheckpointError.malformedHeader(url, reason: "header is not an object") }
        let payload = data.count - 8 - headerLength
        var entries: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let object = value as? [String: Any],
                  let dtype = object["dtype"] as? String,
                  let shape = (object["shape"] as? [NSNumber])?.map({ $0.intValue }),
                  let offsets = (object["data_offsets"] as? [NSNumber])?.map({ $0.intValue }), offsets.count == 2
            else { throw CheckpointError.malformedHeader(url, reason: "entry '\(name)' lacks dtype, shape or data_offsets") }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= payload else {
                throw CheckpointError.tensorOutOfBounds(url, tensor: name)
            }
            if let width = Self.byteWidth(dtype), shape.reduce(1, *) * width != offsets[1] - offsets[0] {
                throw CheckpointError.malformedHeader(url, reason: "entry '\(name)': \(shape) × \(dtype) ≠ \(offsets[1] - offsets[0]) bytes")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        self.url = url
        self.entries = entries
        self.data = data
        self.dataStart = 8 + headerLength
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
        let count = entry.shape.reduce(1, *)
        let start = dataStart + entry.byteRange.lowerBound
        return try data.withUnsafeBytes { raw -> Tensor in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(dataStart + entry.byteRange.upperBound)])
            switch entry.dtype {
            case "F32":
                return Tensor(shape: entry.shape) { out in
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
                }
            case "F16":
                return Tensor(shape: entry.shape) { out in
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                        out[i] = Float(Float16(bitPattern: bits))
                    }
                }
            case "BF16":
                return Tensor(shape: entry.shape) { out in
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                        out[i] = Float(bitPattern: UInt32(bits) << 16)
                    }
                }
            default:
                throw CheckpointError.unsupportedDType(url, tensor: name, dtype: entry.dtype)
            }
        }
    }
}
