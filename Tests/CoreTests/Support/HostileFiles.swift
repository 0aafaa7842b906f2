import Foundation
import Testing
@testable import Kernels
@testable import Models

/// Scratch copies of the fixture models that a test may damage (issue 19, hostile model files).
enum HostileFiles {
    /// A fresh copy of a fixture model folder under the temporary directory; the caller removes it.
    static func scratchModel(_ name: String = "bert-cased-tiny") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.url("models/\(name)"), to: folder)
        return folder
    }

    /// A fresh empty folder under the temporary directory; the caller removes it.
    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Rewrites `model.safetensors` (float32) after `edit` changes the name → tensor map.
    static func rewriteWeights(_ folder: URL, _ edit: (inout [String: Tensor]) -> Void) throws {
        let url = folder.appendingPathComponent("model.safetensors")
        let file = try SafeTensorsFile(url: url)
        var tensors: [String: Tensor] = [:]
        for name in file.entries.keys { tensors[name] = try file.tensor(name) }
        edit(&tensors)
        try SafeTensorsWriter.write(tensors, to: url)
    }

    /// Rewrites a JSON object file after `edit` changes it.
    static func editJSON(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
    }

    /// Rewrites one key of `config.json` as raw JSON text (so `16.5` or `1e12` stay as written).
    static func setConfig(_ folder: URL, key: String, rawValue: String) throws {
        let url = folder.appendingPathComponent("config.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object[key] = "\u{1}"   // placeholder, replaced below by the raw text
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        try Data(text.replacingOccurrences(of: "\"\\u0001\"", with: rawValue).utf8).write(to: url)
    }

    /// A small CoNLL-U file of two sentences, for extraction tests.
    static func treebank(in folder: URL, name: String = "tiny.conllu") throws -> URL {
        let url = folder.appendingPathComponent(name)
        let lines = [
            "# sent_id = s1", "1\tThe\tthe\tDET\t_\t_\t2\tdet\t_\t_", "2\tcats\tcat\tNOUN\t_\tNumber=Plur\t3\tnsubj\t_\t_",
            "3\tsleep\tsleep\tVERB\t_\t_\t0\troot\t_\t_", "",
            "# sent_id = s2", "1\tA\ta\tDET\t_\t_\t2\tdet\t_\t_", "2\tdog\tdog\tNOUN\t_\tNumber=Sing\t0\troot\t_\t_", "",
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return url
    }
}

/// Writes a GGUF file from a parsed one with changed metadata or tensor infos, keeping every
/// tensor's bytes (tests: hostile tokenizers and configs inside a real file).
enum GGUFRewriter {
    /// The bytes of `file` with `metadata` and `tensors` changed by the closures.
    static func rewrite(_ file: GGUFFile,
                        metadata edit: (inout [(key: String, value: GGUFValue)]) -> Void = { _ in },
                        tensors editTensors: (inout [GGUFTensorInfo]) -> Void = { _ in }) -> [UInt8] {
        var entries = file.metadataKeys.map { (key: $0, value: file.metadata[$0]!) }
        edit(&entries)
        var tensors = file.tensorNames.map { file.tensors[$0]! }
        editTensors(&tensors)
        var out = GGUFBytes(version: file.version, tensors: UInt64(tensors.count), keys: UInt64(entries.count))
        for (key, value) in entries {
            out.append(key)
            out.append(value.type.rawValue)
            append(value, to: &out)
        }
        for tensor in tensors {
            out.append(tensor.name)
            out.append(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { out.append(UInt64(dimension)) }
            out.append(tensor.type.rawValue)
            out.append(UInt64(tensor.offset))
        }
        while out.bytes.count % file.alignment != 0 { out.bytes.append(0) }
        out.bytes += file.bytes[file.dataOffset...]
        return out.bytes
    }

    static func append(_ value: GGUFValue, to out: inout GGUFBytes) {
        GGUFWriter.append(value, to: &out.bytes)
    }
}

/// Runs `body` on its own thread and records an issue when it has not returned after `seconds`
/// (a loop that spins on NaN input): the test fails instead of hanging the suite. The thread is
/// left to spin until the process ends.
func expectReturns(within seconds: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        body()
        done.signal()
    }
    if done.wait(timeout: .now() + seconds) == .timedOut {
        Issue.record("\(what) did not return within \(seconds) s", sourceLocation: sourceLocation)
    }
}
