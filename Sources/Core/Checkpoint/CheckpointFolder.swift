import Foundation
import Kernels

/// A local Hugging Face model folder: `config.json` plus weights in `model.safetensors`
/// or shards listed by `model.safetensors.index.json`.
public struct CheckpointFolder: @unchecked Sendable {
    public let url: URL
    public let configURL: URL
    /// The weight files, in a stable order.
    public let weightFiles: [SafeTensorsFile]
    /// Which file holds each tensor.
    private let fileOfTensor: [String: Int]

    /// Opens a model folder; fails with the path of whatever is missing or malformed.
    public init(url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CheckpointError.missingFile(url)
        }
        guard isDirectory.boolValue else {
            throw CheckpointError.unreadableFile(url, reason: "expected a model folder with config.json and model.safetensors")
        }
        self.url = url
        configURL = url.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else { throw CheckpointError.missingFile(configURL) }

        let single = url.appendingPathComponent("model.safetensors")
        let index = url.appendingPathComponent("model.safetensors.index.json")
        var files: [SafeTensorsFile] = []
        if FileManager.default.fileExists(atPath: single.path) {
            files = [try SafeTensorsFile(url: single)]
        } else if FileManager.default.fileExists(atPath: index.path) {
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(contentsOf: index)) } catch {
                throw CheckpointError.malformedConfig(index, reason: "not valid JSON")
            }
            guard let weightMap = (object as? [String: Any])?["weight_map"] as? [String: String] else {
                throw CheckpointError.malformedConfig(index, reason: "no \"weight_map\" object")
            }
            for name in Set(weightMap.values).sorted() {
                let tensor = weightMap.filter { $0.value == name }.keys.min() ?? ""
                files.append(try SafeTensorsFile(url: try Self.shard(name, of: url, index: index, tensor: tensor)))
            }
        } else if FileManager.default.fileExists(atPath: url.appendingPathComponent("pytorch_model.bin").path) {
            throw CheckpointError.unreadableFile(url.appendingPathComponent("pytorch_model.bin"),
                reason: "PyTorch pickles are not read; convert once with transformers: model.save_pretrained(dir, safe_serialization=True)")
        } else {
            throw CheckpointError.missingFile(single)
        }
        weightFiles = files
        var map: [String: Int] = [:]
        for (position, file) in files.enumerated() { for name in file.entries.keys { map[name] = position } }
        fileOfTensor = map
    }

    /// The file a shard index names, which must lie inside the folder once `..` and symlinks are
    /// resolved (an index naming `../../etc/passwd` or `/etc/passwd` is refused, not read).
    ///
    /// - Throws: ``CheckpointError/shardOutsideFolder(index:tensor:shard:)`` naming the index and the entry.
    static func shard(_ name: String, of folder: URL, index: URL, tensor: String) throws -> URL {
        let refused = CheckpointError.shardOutsideFolder(index: index, tensor: tensor, shard: name)
        guard !name.isEmpty, !name.hasPrefix("/"), !name.hasPrefix("~"), !name.contains("\0") else { throw refused }
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let file = folder.appendingPathComponent(name).standardizedFileURL
        let resolved = file.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/"), file.path.hasPrefix(folder.standardizedFileURL.path + "/") else {
            throw refused
        }
        return file
    }

    /// Names of every tensor in the weight files.
    public var tensorNames: Set<String> { Set(fileOfTensor.keys) }

    /// Shape of a stored tensor.
    public func shape(of name: String) -> [Int]? {
        fileOfTensor[name].flatMap { weightFiles[$0].entries[name]?.shape }
    }

    /// A tensor as Float32.
    public func tensor(_ name: String) throws -> Tensor {
        guard let position = fileOfTensor[name] else { throw CheckpointError.missingWeights(url, keys: [name]) }
        return try weightFiles[position].tensor(name)
    }

    /// Files whose bytes define the model (config, weights, tokenizer), for cache keys.
    public var definingFiles: [URL] {
        let names = ["config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json", "sentencepiece.bpe.model"]
        return names.map { url.appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
            + weightFiles.map(\.url)
    }
}
