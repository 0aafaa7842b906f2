/// One GGUF metadata value, exactly as stored (the integer width and float precision kept).
///
/// The typed accessors give `nil` when the value is of another kind, so
/// `file.metadata["gemma3.block_count"]?.int` reads an integer of any width.
public indirect enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double)
    case bool(Bool)
    case string(String)
    /// An array: its element type (kept for empty arrays) and the elements, each of that type.
    case array(GGUFValueType, [GGUFValue])

    /// The stored type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// The type as an error message names it: `UINT32`, `ARRAY of STRING`.
    public var typeName: String {
        if case .array(let element, _) = self { return "ARRAY of \(element)" }
        return type.description
    }

    /// An integer of any width, if it fits in `Int` (a UINT64 above `Int.max` gives nil).
    public var int: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// A FLOAT32 or FLOAT64 (the latter rounded to Float).
    public var float: Float? {
        switch self {
        case .float32(let v): v
        case .float64(let v): Float(v)
        default: nil
        }
    }

    /// A FLOAT32 (exactly widened) or FLOAT64.
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    public var string: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    /// The elements of an array of any type.
    public var array: [GGUFValue]? {
        if case .array(_, let elements) = self { return elements }
        return nil
    }

    /// An array of strings.
    public var stringArray: [String]? {
        guard case .array(.string, let elements) = self else { return nil }
        return elements.compactMap(\.string)
    }

    /// An array of integers of one width, each fitting in `Int`.
    public var intArray: [Int]? {
        guard case .array(let element, let elements) = self,
              [.uint8, .int8, .uint16, .int16, .uint32, .int32, .uint64, .int64].contains(element) else { return nil }
        let values = elements.compactMap(\.int)
        return values.count == elements.count ? values : nil
    }

    /// An array of FLOAT32 or FLOAT64 as Float.
    public var floatArray: [Float]? {
        guard case .array(let element, let elements) = self, element == .float32 || element == .float64 else { return nil }
        return elements.compactMap(\.float)
    }
}
