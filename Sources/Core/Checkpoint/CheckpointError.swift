import Foundation

/// Anything wrong with a model folder, named precisely enough to fix.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case missingFile(URL)
    case unreadableFile(URL, reason: String)
    case malformedHeader(URL, reason: String)
    case unsupportedDType(URL, tensor: String, dtype: String)
    case tensorOutOfBounds(URL, tensor: String)
    case malformedConfig(URL, reason: String)
    case unsupportedArchitecture(URL, modelType: String, supported: [String])
    case unsupportedSetting(URL, key: String, value: String)
    case missingWeights(URL, keys: [String])
    case unexpectedWeights(URL, keys: [String])
    case wrongShape(URL, tensor: String, expected: [Int], found: [Int])
    /// A weight holds a NaN or an infinity (`index`: the first one, in row-major order).
    case nonFiniteWeight(URL, tensor: String, index: Int, value: Float)
    /// The tokenizer can produce ids (`ids`) that have no row in the model's embedding (`rows` rows).
    case vocabularyMismatch(tokenizer: URL, ids: ClosedRange<Int>, weights: URL, rows: Int)
    /// A shard index names a file outside the model folder (`../…`, an absolute path, a symlink out).
    case shardOutsideFolder(index: URL, tensor: String, shard: String)

    public var description: String {
        func list(_ keys: [String]) -> String {
            keys.count <= 5 ? keys.joined(separator: ", ") : keys.prefix(5).joined(separator: ", ") + " and \(keys.count - 5) more"
        }
        switch self {
        case .missingFile(let url): return "\(url.path): no such file"
        case .unreadableFile(let url, let reason): return "\(url.path): cannot read (\(reason))"
        case .malformedHeader(let url, let reason): return "\(url.path): malformed safetensors header (\(reason))"
        case .unsupportedDType(let url, let tensor, let dtype):
            return "\(url.path): tensor '\(tensor)' has dtype \(dtype); supported: F32, F16, BF16"
        case .tensorOutOfBounds(let url, let tensor): return "\(url.path): tensor '\(tensor)' lies outside the file (truncated?)"
        case .malformedConfig(let url, let reason): return "\(url.path): \(reason)"
        case .unsupportedArchitecture(let url, let modelType, let supported):
            return "\(url.path): model_type '\(modelType)' is not supported (supported: \(supported.joined(separator: ", ")))"
        case .unsupportedSetting(let url, let key, let value): return "\(url.path): \(key) = \(value) is not supported"
        case .missingWeights(let url, let keys): return "\(url.path): missing weights: \(list(keys))"
        case .unexpectedWeights(let url, let keys): return "\(url.path): unexpected weights: \(list(keys))"
        case .wrongShape(let url, let tensor, let expected, let found):
            return "\(url.path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .nonFiniteWeight(let url, let tensor, let index, let value):
            return "\(url.path): tensor '\(tensor)' holds \(value) at element \(index); a model with non-finite weights is refused"
        case .shardOutsideFolder(let index, let tensor, let shard):
            return "\(index.path): weight_map entry '\(tensor)' names shard '\(shard)', which lies outside the model folder; refused"
        case .vocabularyMismatch(let tokenizer, let ids, let weights, let rows):
            let id = ids.lowerBound < 0 ? ids.lowerBound : ids.upperBound
            let what = tokenizer == weights ? "its token embedding" : "the token embedding in \(weights.path)"
            return "\(tokenizer.path): the tokenizer can produce token id \(id), but \(what) has \(rows) rows "
                + "(ids 0…\(rows - 1)); the tokenizer and the model do not belong together"
        }
    }
}
