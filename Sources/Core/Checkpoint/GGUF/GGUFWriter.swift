import Foundation

/// Builds a GGUF v3 file: metadata in the order added, then the tensor table, then each tensor's
/// bytes at an offset aligned to `alignment` (32, llama.cpp's and the `gguf` package's default).
///
/// ```swift
/// var writer = GGUFWriter(architecture: "gemma3")
/// writer.add("gemma3.block_count", .uint32(7))
/// try writer.addTensor("output_norm.weight", shape: [32], values: weights, as: .f32)
/// try writer.write(to: url)
/// ```
public struct GGUFWriter: Sendable {
    /// Byte alignment of every tensor's data (a `general.alignment` entry overrides it on reading).
    public let alignment = 32
    /// Metadata entries, in file order.
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    /// Tensors, in file order: ggml dimensions (row length first) and the stored bytes.
    public private(set) var tensors: [(name: String, dimensions: [Int], type: GGMLType, bytes: [UInt8])] = []

    /// A file whose first entry is `general.architecture`.
    public init(architecture: String) {
        metadata.append((key: "general.architecture", value: .string(architecture)))
    }

    /// Appends one metadata entry.
    public mutating func add(_ key: String, _ value: GGUFValue) {
        metadata.append((key: key, value: value))
    }

    /// Appends a tensor from row-major `values` of `shape` (outermost first), stored as `type`.
    ///
    /// - Throws: `GGUFWriterError` when the values do not fill the shape or `type` has no encoder.
    public mutating func addTensor(_ name: String, shape: [Int], values: [Float], as type: GGMLType) throws {
        guard shape.reduce(1, *) == values.count else {
            throw GGUFWriterError("\(name): \(values.count) values do not fill the shape \(shape)")
        }
        let bytes = try GGUFQuantizer.encode(values, as: type, rowLength: shape.last ?? 1, name: name)
        tensors.append((name: name, dimensions: Array(shape.reversed()), type: type, bytes: bytes))
    }

    /// The whole file.
    public func bytes() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        Self.append(UInt32(3), to: &out)
        Self.append(UInt64(tensors.count), to: &out)
        Self.append(UInt64(metadata.count), to: &out)
        for (key, value) in metadata {
            Self.append(key, to: &out)
            Self.append(value.type.rawValue, to: &out)
            Self.append(value, to: &out)
        }
        var offset = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(offset)
            offset = Self.aligned(offset + tensor.bytes.count, to: alignment)
        }
        for (tensor, offset) in zip(tensors, offsets) {
            Self.append(tensor.name, to: &out)
            Self.append(UInt32(tensor.dimensions.count), to: &out)
            for dimension in tensor.dimensions { Self.append(UInt64(dimension), to: &out) }
            Self.append(tensor.type.rawValue, to: &out)
            Self.append(UInt64(offset), to: &out)
        }
        out += [UInt8](repeating: 0, count: Self.aligned(out.count, to: alignment) - out.count)
        for tensor in tensors {
            out += tensor.bytes
            out += [UInt8](repeating: 0, count: Self.aligned(out.count, to: alignment) - out.count)
        }
        return out
    }

    /// Writes the file through a temporary name and a rename, so a reader never sees half of it.
    public func write(to url: URL) throws {
        try Data(bytes()).write(to: url, options: .atomic)
    }

    // MARK: - Encoding

    static func aligned(_ offset: Int, to alignment: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }

    /// Appends a little-endian integer.
    public static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    /// Appends a GGUF string: its UTF-8 length as UINT64, then the bytes.
    public static func append(_ string: String, to out: inout [UInt8]) {
        append(UInt64(string.utf8.count), to: &out)
        out += Array(string.utf8)
    }

    /// Appends a metadata value's payload (its type tag is written by the caller; an array writes
    /// its element type and count first).
    public static func append(_ value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): append(UInt8(v ? 1 : 0), to: &out)
        case .string(let v): append(v, to: &out)
        case .array(let element, let items):
            append(element.rawValue, to: &out)
            append(UInt64(items.count), to: &out)
            for item in items { append(item, to: &out) }
        }
    }
}

/// What `GGUFWriter` refuses: values that do not fill a shape, a type without an encoder.
public struct GGUFWriterError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
