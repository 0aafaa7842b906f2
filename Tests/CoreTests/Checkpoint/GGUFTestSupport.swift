import Foundation
import Testing
@testable import Models

/// Fixtures of `Fixtures/gguf` (written by scripts/make-gguf-fixtures) and helpers to damage a file.
enum GGUFFixtures {
    static func url(_ name: String) -> URL { Fixtures.url("gguf/\(name)") }

    /// `expected.json`: the manifest of block fixtures and what the tiny files should read as.
    static func manifest() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url("expected.json")))
        return try #require(object as? [String: Any])
    }

    /// A JSON number as Int.
    static func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }

    /// A JSON array of numbers as [Int].
    static func ints(_ value: Any?) -> [Int]? { (value as? [NSNumber])?.map(\.intValue) }

    /// The manifest entry of one tiny file (`tiny.gguf`, `tiny-align64.gguf`).
    static func expectedFile(_ name: String) throws -> [String: Any] {
        let files = try #require(try manifest()["files"] as? [[String: Any]])
        return try #require(files.first { $0["file"] as? String == name })
    }

    /// Little-endian Float32s from a raw file.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: url(name))
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    /// A JSON metadata entry `{"type", "value"[, "element_type"]}` as the value the reader should give.
    /// Integers are decimal strings and floats C99 hex strings in the JSON, so nothing is rounded.
    static func value(_ entry: Any) throws -> GGUFValue {
        let object = try #require(entry as? [String: Any])
        let type = try #require(object["type"] as? String)
        if type == "ARRAY" {
            let elementName = try #require(object["element_type"] as? String)
            let element = try #require(GGUFValueType.allCases.first { $0.description == elementName })
            let items = try #require(object["value"] as? [Any])
            return .array(element, try items.map(value))
        }
        if type == "STRING" { return .string(try #require(object["value"] as? String)) }
        let text = try #require(object["value"] as? String)
        switch type {
        case "UINT8": return .uint8(try #require(UInt8(text)))
        case "INT8": return .int8(try #require(Int8(text)))
        case "UINT16": return .uint16(try #require(UInt16(text)))
        case "INT16": return .int16(try #require(Int16(text)))
        case "UINT32": return .uint32(try #require(UInt32(text)))
        case "INT32": return .int32(try #require(Int32(text)))
        case "UINT64": return .uint64(try #require(UInt64(text)))
        case "INT64": return .int64(try #require(Int64(text)))
        case "FLOAT32": return .float32(Float(try #require(Double(text))))
        case "FLOAT64": return .float64(try #require(Double(text)))
        case "BOOL": return .bool(text == "true")
        default:
            Issue.record("unknown type \(type)")
            return .bool(false)
        }
    }

    /// Bytes of `tiny.gguf`.
    static func tinyBytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: url("tiny.gguf"))) }

    /// Writes `bytes` to a fresh temporary file; the caller removes it.
    static func scratchFile(_ bytes: [UInt8], name: String = "broken.gguf") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    static func remove(_ url: URL) { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }

    /// The GGUFError that opening `bytes` throws (nil when it opens).
    static func openError(_ bytes: [UInt8]) throws -> (GGUFError?, URL) {
        let url = try scratchFile(bytes)
        defer { remove(url) }
        do {
            _ = try GGUFFile(url: url)
            return (nil, url)
        } catch let error as GGUFError {
            return (error, url)
        } catch {
            Issue.record("unexpected error type: \(error)")
            return (nil, url)
        }
    }

    /// `value` little-endian at `offset`.
    static func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
        }
    }

    /// Where the bytes of `needle` first occur.
    static func find(_ needle: String, in bytes: [UInt8]) throws -> Int {
        let pattern = Array(needle.utf8)
        let index = (0...(bytes.count - pattern.count)).first { start in
            bytes[start..<(start + pattern.count)].elementsEqual(pattern)
        }
        return try #require(index, "\(needle) not in the file")
    }

    /// Offsets of a tensor info's fields in `tiny.gguf` (its name is unique in the file, and
    /// these tensors are listed after the metadata, whose strings do not contain tensor names).
    static func tensorInfoFields(_ name: String, dimensions: Int, in bytes: [UInt8]) throws -> (type: Int, offset: Int) {
        let nameEnd = try find(name, in: bytes) + name.utf8.count
        let type = nameEnd + 4 + 8 * dimensions
        return (type, type + 4)
    }
}

/// A GGUF file built byte by byte, for shapes the Python writer cannot make.
struct GGUFBytes {
    var bytes: [UInt8] = []

    init(version: UInt32 = 3, tensors: UInt64 = 0, keys: UInt64) {
        bytes += Array("GGUF".utf8)
        append(version)
        append(tensors)
        append(keys)
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func append(_ string: String) {
        append(UInt64(string.utf8.count))
        bytes += Array(string.utf8)
    }
}
