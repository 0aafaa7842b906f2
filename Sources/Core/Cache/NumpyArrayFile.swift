import Foundation
import Kernels

/// NumPy `.npy` files (format 1.0, little-endian `<f4` or `<f2`, C order): the binary arrays of
/// the activation cache and of `--export`, readable by `numpy.load` without conversion.
public enum NumpyArrayFile {
    public enum ScalarType: String, Codable, Sendable {
        case float32, float16
        var descriptor: String { self == .float32 ? "<f4" : "<f2" }
        public var byteWidth: Int { self == .float32 ? 4 : 2 }
    }

    public enum Failure: Error, CustomStringConvertible {
        case notNumpy(URL, reason: String)
        case truncated(URL, expectedBytes: Int, foundBytes: Int)
        public var description: String {
            switch self {
            case .notNumpy(let url, let reason): return "\(url.path): not a readable .npy array (\(reason))"
            case .truncated(let url, let expected, let found):
                return "\(url.path): truncated: \(found) bytes, expected \(expected)"
            }
        }
    }

    /// The header block, padded with spaces so the data starts at a multiple of 64 bytes.
    public static func header(shape: [Int], type: ScalarType) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dictionary = "{'descr': '\(type.descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + dictionary.utf8.count + 1
        dictionary += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dictionary.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(dictionary.utf8))
        return data
    }

    /// Writes a whole float array.
    public static func write(_ tensor: Tensor, to url: URL, as type: ScalarType = .float32) throws {
        var data = header(shape: tensor.shape, type: type)
        data.append(encode(tensor.scalars, as: type))
        try data.write(to: url, options: .atomic)
    }

    /// Little-endian bytes of floats in the given storage type.
    public static func encode(_ values: [Float], as type: ScalarType) -> Data {
        switch type {
        case .float32:
            return values.withUnsafeBytes { Data($0) }
        case .float16:
            let halves = values.map { Float16($0).bitPattern }
            return halves.withUnsafeBytes { Data($0) }
        }
    }

    /// Parses the header: shape, scalar type and where the data starts.
    public static func parseHeader(_ data: Data, url: URL) throws -> (shape: [Int], type: ScalarType, dataOffset: Int) {
        guard data.count >= 10, data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw Failure.notNumpy(url, reason: "missing magic string")
        }
        let major = data[data.startIndex + 6]
        let headerLength: Int, start: Int
        if major == 1 {
            headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
            start = 10
        } else {
            guard data.count >= 12 else { throw Failure.notNumpy(url, reason: "short header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
            start = 12
        }
        guard data.count >= start + headerLength,
              let text = String(data: data.subdata(in: (data.startIndex + start)..<(data.startIndex + start + headerLength)), encoding: .ascii)
        else { throw Failure.notNumpy(url, reason: "header length beyond file") }
        let type: ScalarType
        if text.contains("'<f4'") { type = .float32 } else if text.contains("'<f2'") { type = .float16 } else {
            throw Failure.notNumpy(url, reason: "dtype \(describeType(in: text)); only little-endian float32 and float16 "
                                   + "arrays are read — save with x.astype(numpy.float32)")
        }
        guard text.contains("'fortran_order': False") else { throw Failure.notNumpy(url, reason: "Fortran order; save numpy.ascontiguousarray(x)") }
        guard let open = text.range(of: "'shape': ("), let close = text[open.upperBound...].firstIndex(of: ")") else {
            throw Failure.notNumpy(url, reason: "no shape")
        }
        let shape = text[open.upperBound..<close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.compactMap { Int($0) }
        return (shape, type, start + headerLength)
    }

    /// The `descr` of a header as numpy names it (`'<f8' (float64)`), for messages.
    static func describeType(in header: String) -> String {
        guard let key = header.range(of: "'descr':") else { return "unknown (no 'descr' in the header)" }
        let rest = header[key.upperBound...].drop { $0 == " " }
        guard rest.first == "'", let end = rest.dropFirst().firstIndex(of: "'") else {
            return "'" + rest.prefix { $0 != "," }.trimmingCharacters(in: .whitespaces) + "' (a structured dtype)"
        }
        let code = String(rest[rest.index(after: rest.startIndex)..<end])
        let kinds: [Character: String] = ["f": "float", "i": "int", "u": "uint", "b": "bool", "c": "complex", "U": "str", "S": "bytes", "O": "object", "V": "void"]
        let body = code.drop { "<>|=".contains($0) }
        guard let kind = body.first, let name = kinds[kind] else { return "'\(code)'" }
        let bits = Int(body.dropFirst()).map { kind == "U" || kind == "S" || kind == "V" ? "" : String($0 * 8) } ?? ""
        let order = code.first == ">" ? ", big-endian" : ""
        return "'\(code)' (\(name)\(bits)\(order))"
    }

    /// Reads a whole array as Float32.
    public static func read(_ url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw Failure.notNumpy(url, reason: error.localizedDescription)
        }
        let (shape, type, offset) = try parseHeader(data, url: url)
        let count = shape.reduce(1, *)
        let expected = offset + count * type.byteWidth
        guard data.count == expected else { throw Failure.truncated(url, expectedBytes: expected, foundBytes: data.count) }
        return data.withUnsafeBytes { raw in
            Tensor(shape: shape) { out in decode(raw, from: offset, count: count, type: type, into: out.baseAddress!) }
        }
    }

    /// Converts `count` stored scalars starting at byte `offset` into Float32.
    @inlinable
    public static func decode(_ raw: UnsafeRawBufferPointer, from offset: Int, count: Int, type: ScalarType,
                              into out: UnsafeMutablePointer<Float>) {
        switch type {
        case .float32:
            UnsafeMutableRawPointer(out).copyMemory(from: raw.baseAddress! + offset, byteCount: count * 4)
        case .float16:
            for i in 0..<count {
                out[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: offset + 2 * i, as: UInt16.self)))
            }
        }
    }
}
