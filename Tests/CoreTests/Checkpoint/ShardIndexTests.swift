import Foundation
import Testing
@testable import Models
@testable import Studies

/// A shard index may only name files inside the model folder (issue 19, case 4).
@Suite("Shard index paths")
struct ShardIndexTests {
    static let victim = "bert.encoder.layer.1.output.dense.weight"

    /// A scratch copy of the sharded fixture whose index maps `victim` to `shard`.
    func folder(naming shard: String) throws -> URL {
        let folder = try HostileFiles.scratchModel("bert-cased-tiny-sharded")
        try HostileFiles.editJSON(folder.appendingPathComponent("model.safetensors.index.json")) { json in
            var map = json["weight_map"] as! [String: Any]
            map[Self.victim] = shard
            json["weight_map"] = map
        }
        return folder
    }

    func refusal(_ folder: URL) -> CheckpointError? {
        do { _ = try CheckpointFolder(url: folder); return nil } catch let error as CheckpointError { return error } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("'..' paths and absolute paths are refused, naming the index file and the entry",
          arguments: ["../../../../etc/passwd", "/etc/passwd", "shards/../../model.safetensors", "..", "", "~/x.safetensors"])
    func leavingPaths(shard: String) throws {
        let folder = try folder(naming: shard)
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        let error = try #require(refusal(folder))
        #expect(error == .shardOutsideFolder(index: index, tensor: Self.victim, shard: shard))
        #expect(error.description == "\(index.path): weight_map entry '\(Self.victim)' names shard '\(shard)', which lies outside the model folder; refused")
    }

    @Test("a symlink inside the folder that points outside it is refused")
    func symlinkOut() throws {
        let folder = try folder(naming: "evil.safetensors")
        let outside = try HostileFiles.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: outside) }
        let target = outside.appendingPathComponent("model-00002-of-00002.safetensors")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("model-00002-of-00002.safetensors"), to: target)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("evil.safetensors"), withDestinationURL: target)
        #expect(refusal(folder) == .shardOutsideFolder(index: folder.appendingPathComponent("model.safetensors.index.json"),
                                                       tensor: Self.victim, shard: "evil.safetensors"))
    }

    @Test("shards in a subfolder, or linked within the folder, still load")
    func insidePaths() throws {
        let folder = try HostileFiles.scratchModel("bert-cased-tiny-sharded")
        defer { try? FileManager.default.removeItem(at: folder) }
        let shards = folder.appendingPathComponent("shards")
        try FileManager.default.createDirectory(at: shards, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: folder.appendingPathComponent("model-00001-of-00002.safetensors"),
                                        to: shards.appendingPathComponent("a.safetensors"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("b.safetensors"),
                                                   withDestinationURL: folder.appendingPathComponent("model-00002-of-00002.safetensors"))
        try HostileFiles.editJSON(folder.appendingPathComponent("model.safetensors.index.json")) { json in
            let map = json["weight_map"] as! [String: String]
            json["weight_map"] = map.mapValues { $0 == "model-00001-of-00002.safetensors" ? "shards/./a.safetensors" : "b.safetensors" }
        }
        let model = try TransformerEncoder.load(from: folder)
        #expect(model.layerCount == 2)
    }
}
