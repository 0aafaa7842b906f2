import Foundation

/// Anything wrong with a GGUF file or a lookup in it: one line naming the file and the key or tensor.
public enum GGUFError: Error, CustomStringConvertible, Equatable {
    case unreadable(URL, reason: String)
    /// The file ends inside `context` (e.g. "the header", "metadata key #3", "tensor info 'blk.0.attn_q.weight'").
    case truncated(URL, context: String)
    case badMagic(URL, found: String)
    case unsupportedVersion(URL, version: UInt32)
    /// A count or length read from the file that cannot fit in the bytes that remain.
    case implausibleCount(URL, what: String, count: UInt64, bytesLeft: Int)
    case malformedMetadata(URL, key: String, reason: String)
    case duplicateKey(URL, key: String)
    case missingKey(URL, key: String)
    case wrongType(URL, key: String, expected: String, found: String)
    case malformedTensorInfo(URL, tensor: String, reason: String)
    case unknownTensorType(URL, tensor: String, typeID: UInt32)
    case duplicateTensor(URL, tensor: String)
    /// A tensor's data, `offset ..< offset + bytes` relative to the data section, runs past the end of the file.
    case tensorOutOfBounds(URL, tensor: String, offset: UInt64, bytes: Int, dataBytes: Int)
    case missingTensor(URL, tensor: String)
    case unsupportedTensorType(URL, tensor: String, type: GGMLType)
    case rowOutOfRange(URL, tensor: String, row: Int, rows: Int)

    public var description: String {
        switch self {
        case .unreadable(let url, let reason): "\(url.path): cannot read (\(reason))"
        case .truncated(let url, let context): "\(url.path): truncated GGUF file: it ends inside \(context)"
        case .badMagic(let url, let found): "\(url.path): not a GGUF file (magic \(found), expected \"GGUF\")"
        case .unsupportedVersion(let url, let version): "\(url.path): GGUF version \(version) is not supported (supported: 2, 3)"
        case .implausibleCount(let url, let what, let count, let left):
            "\(url.path): \(what) is \(count), more than fits in the \(left) bytes left in the file"
        case .malformedMetadata(let url, let key, let reason): "\(url.path): metadata key '\(key)': \(reason)"
        case .duplicateKey(let url, let key): "\(url.path): metadata key '\(key)' appears twice"
        case .missingKey(let url, let key): "\(url.path): no metadata key '\(key)'"
        case .wrongType(let url, let key, let expected, let found):
            "\(url.path): metadata key '\(key)' is \(found), expected \(expected)"
        case .malformedTensorInfo(let url, let tensor, let reason): "\(url.path): tensor '\(tensor)': \(reason)"
        case .unknownTensorType(let url, let tensor, let id): "\(url.path): tensor '\(tensor)' has unknown ggml type id \(id)"
        case .duplicateTensor(let url, let tensor): "\(url.path): tensor '\(tensor)' appears twice"
        case .tensorOutOfBounds(let url, let tensor, let offset, let bytes, let dataBytes):
            "\(url.path): tensor '\(tensor)' (\(bytes) bytes at data offset \(offset)) lies outside the file's \(dataBytes) data bytes (truncated?)"
        case .missingTensor(let url, let tensor): "\(url.path): no tensor '\(tensor)'"
        case .unsupportedTensorType(let url, let tensor, let type):
            "\(url.path): tensor '\(tensor)' has type \(type); supported: \(GGMLType.allCases.filter(\.isDequantizable).map(\.description).joined(separator: ", "))"
        case .rowOutOfRange(let url, let tensor, let row, let rows):
            "\(url.path): row \(row) of tensor '\(tensor)' is out of range (\(rows) rows)"
        }
    }
}
