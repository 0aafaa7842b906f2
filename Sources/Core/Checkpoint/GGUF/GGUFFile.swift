import Foundation

/// A GGUF file (v2 or v3, little-endian), memory-mapped read-only.
///
/// Layout (ggml's `docs/gguf.md`): magic `GGUF`, UInt32 version, UInt64 tensor count, UInt64
/// metadata count; the metadata key–value pairs; one info per tensor (name, UInt32 n_dims, UInt64
/// dims in ggml order, UInt32 type, UInt64 offset); padding to `general.alignment` (default 32);
/// the tensor data, each offset relative to that aligned start.
///
/// Parsing checks every count, length and offset against the file size before reading or
/// allocating, so a damaged file throws a `GGUFError` naming the file and key or tensor. The
/// tensor data stays in the mapping and is dequantised on request (`tensor(_:)`, `rows(_:of:)`).
public final class GGUFFile: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init and the mapping is read-only.

    public let url: URL
    public let version: UInt32
    /// Every metadata value by key.
    public let metadata: [String: GGUFValue]
    /// The metadata keys in file order.
    public let metadataKeys: [String]
    /// Every tensor by name.
    public let tensors: [String: GGUFTensorInfo]
    /// The tensor names in file order.
    public let tensorNames: [String]
    /// The data section's alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// Where the data section starts in the file.
    public let dataOffset: Int
    /// Size of the file in bytes.
    public let fileSize: Int

    private let mapping: UnsafeMutableRawPointer?

    /// The mapped file.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: mapping, count: mapping == nil ? 0 : fileSize) }

    /// Maps and parses `url`.
    ///
    /// - Throws: `GGUFError` naming the file and what is wrong with it.
    public init(url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw GGUFError.unreadable(url, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw GGUFError.unreadable(url, reason: String(cString: strerror(errno))) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw GGUFError.unreadable(url, reason: "not a regular file") }
        let size = Int(status.st_size)
        var mapping: UnsafeMutableRawPointer? = nil
        if size > 0 {
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
            guard let address, address != MAP_FAILED else {
                throw GGUFError.unreadable(url, reason: "mmap: \(String(cString: strerror(errno)))")
            }
            mapping = address
        }
        let parsed: Header
        do {
            parsed = try Self.parse(UnsafeRawBufferPointer(start: mapping, count: mapping == nil ? 0 : size), url: url)
        } catch {
            if let mapping { munmap(mapping, size) }
            throw error
        }
        self.url = url
        self.mapping = mapping
        self.fileSize = size
        self.version = parsed.version
        self.metadata = parsed.metadata
        self.metadataKeys = parsed.metadataKeys
        self.tensors = parsed.tensors
        self.tensorNames = parsed.tensorNames
        self.alignment = parsed.alignment
        self.dataOffset = parsed.dataOffset
    }

    deinit {
        if let mapping { munmap(mapping, fileSize) }
    }

    /// Everything before the tensor data.
    struct Header {
        var version: UInt32
        var metadata: [String: GGUFValue] = [:]
        var metadataKeys: [String] = []
        var tensors: [String: GGUFTensorInfo] = [:]
        var tensorNames: [String] = []
        var alignment = 32
        var dataOffset = 0
    }

    /// Arrays inside arrays deeper than this are refused (a crafted file could otherwise exhaust the stack).
    static let maximumArrayNesting = 16
    /// ggml's `GGML_MAX_DIMS`.
    static let maximumDimensions = 4

    static func parse(_ bytes: UnsafeRawBufferPointer, url: URL) throws(GGUFError) -> Header {
        var cursor = GGUFCursor(bytes: bytes, url: url)
        let magic = try cursor.read(UInt32.self)
        guard magic == 0x4655_4747 else {  // "GGUF" read as little-endian UInt32
            let found = withUnsafeBytes(of: magic.littleEndian) { raw in
                raw.map { (32..<127).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
            }
            throw .badMagic(url, found: "\"\(found)\"")
        }
        let version = try cursor.read(UInt32.self)
        guard version == 2 || version == 3 else { throw .unsupportedVersion(url, version: version) }
        var header = Header(version: version)
        // The smallest tensor info: name length, no name, n_dims, type, offset.
        let tensorCount = try cursor.readCount("tensor count", minimumBytes: 8 + 4 + 4 + 8)
        // The smallest key–value pair: key length, no key, type, a one-byte value.
        let keyCount = try cursor.readCount("metadata key count", minimumBytes: 8 + 4 + 1)

        for index in 0..<keyCount {
            cursor.context = "metadata key #\(index)"
            let key = try cursor.readString()
            cursor.context = "metadata key '\(key)'"
            let typeID = try cursor.read(UInt32.self)
            guard let type = GGUFValueType(rawValue: typeID) else {
                throw .malformedMetadata(url, key: key, reason: "unknown value type id \(typeID)")
            }
            let value = try readValue(type, &cursor, key: key, depth: 0)
            guard header.metadata.updateValue(value, forKey: key) == nil else { throw .duplicateKey(url, key: key) }
            header.metadataKeys.append(key)
        }

        if let value = header.metadata["general.alignment"] {
            guard let alignment = value.int else {
                throw .wrongType(url, key: "general.alignment", expected: "UINT32", found: value.typeName)
            }
            guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= 1 << 30 else {
                throw .malformedMetadata(url, key: "general.alignment", reason: "alignment \(alignment) is not a power of two")
            }
            header.alignment = alignment
        }

        var stored: [(name: String, dimensions: [Int], type: GGMLType, offset: UInt64, bytes: Int)] = []
        stored.reserveCapacity(tensorCount)
        for index in 0..<tensorCount {
            cursor.context = "tensor info #\(index)"
            let name = try cursor.readString()
            cursor.context = "tensor info '\(name)'"
            let dimensionCount = try cursor.read(UInt32.self)
            guard dimensionCount <= maximumDimensions else {
                throw .malformedTensorInfo(url, tensor: name, reason: "\(dimensionCount) dimensions (at most \(maximumDimensions))")
            }
            var dimensions: [Int] = []
            var elements = 1
            for _ in 0..<Int(dimensionCount) {
                let size = try cursor.read(UInt64.self)
                guard let dimension = Int(exactly: size) else {
                    throw .malformedTensorInfo(url, tensor: name, reason: "dimension \(size) is too large")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .malformedTensorInfo(url, tensor: name, reason: "element count overflows") }
                elements = product
                dimensions.append(dimension)
            }
            let typeID = try cursor.read(UInt32.self)
            guard let type = GGMLType(rawValue: typeID) else { throw .unknownTensorType(url, tensor: name, typeID: typeID) }
            let offset = try cursor.read(UInt64.self)
            let layout = type.blockLayout
            let rowLength = dimensions.first ?? 1
            guard rowLength % layout.elements == 0 else {
                throw .malformedTensorInfo(url, tensor: name,
                                           reason: "row length \(rowLength) is not a multiple of the \(type) block size \(layout.elements)")
            }
            let (byteCount, overflow) = (elements / layout.elements).multipliedReportingOverflow(by: layout.bytes)
            guard !overflow else { throw .malformedTensorInfo(url, tensor: name, reason: "byte size overflows") }
            stored.append((name, dimensions, type, offset, byteCount))
        }

        // The data section starts at the next multiple of the alignment (a file without tensors may end before it).
        let start = (cursor.offset + header.alignment - 1) / header.alignment * header.alignment
        header.dataOffset = start
        let dataBytes = max(0, bytes.count - start)
        for tensor in stored {
            guard tensor.offset <= UInt64(dataBytes), tensor.bytes <= dataBytes - Int(tensor.offset) else {
                throw .tensorOutOfBounds(url, tensor: tensor.name, offset: tensor.offset, bytes: tensor.bytes, dataBytes: dataBytes)
            }
            let begin = start + Int(tensor.offset)
            guard header.tensors[tensor.name] == nil else { throw .duplicateTensor(url, tensor: tensor.name) }
            header.tensors[tensor.name] = GGUFTensorInfo(
                name: tensor.name, dimensions: tensor.dimensions, type: tensor.type,
                offset: Int(tensor.offset), byteRange: begin..<(begin + tensor.bytes))
            header.tensorNames.append(tensor.name)
        }
        return header
    }

    /// One metadata value of `type` at the cursor.
    static func readValue(_ type: GGUFValueType, _ cursor: inout GGUFCursor, key: String, depth: Int) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self))
        case .int8: return .int8(try cursor.read(Int8.self))
        case .uint16: return .uint16(try cursor.read(UInt16.self))
        case .int16: return .int16(try cursor.read(Int16.self))
        case .uint32: return .uint32(try cursor.read(UInt32.self))
        case .int32: return .int32(try cursor.read(Int32.self))
        case .uint64: return .uint64(try cursor.read(UInt64.self))
        case .int64: return .int64(try cursor.read(Int64.self))
        case .float32: return .float32(try cursor.readFloat())
        case .float64: return .float64(try cursor.readDouble())
        case .bool: return .bool(try cursor.read(UInt8.self) != 0)
        case .string: return .string(try cursor.readString())
        case .array:
            guard depth < maximumArrayNesting else {
                throw .malformedMetadata(cursor.url, key: key, reason: "arrays nested deeper than \(maximumArrayNesting)")
            }
            let elementID = try cursor.read(UInt32.self)
            guard let element = GGUFValueType(rawValue: elementID) else {
                throw .malformedMetadata(cursor.url, key: key, reason: "unknown array element type id \(elementID)")
            }
            let count = try cursor.readCount("array length of metadata key '\(key)'", minimumBytes: element.minimumByteCount)
            var elements: [GGUFValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try readValue(element, &cursor, key: key, depth: depth + 1)) }
            return .array(element, elements)
        }
    }
}
