import Foundation
import Testing
@testable import Models

/// The real Gemma 3 270M Q4_K_M file, where it is on this machine, against facts the `gguf`
/// package read from it (`Fixtures/gguf/gemma3-270m-q4_k_m.json`; no weights are stored).
@Suite("GGUF Gemma 3 file")
struct GGUFGemmaTests {
    static let model: URL = {
        if let path = ProcessInfo.processInfo.environment["GEMMA_GGUF"] { return URL(fileURLWithPath: path) }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/neuron-workbench/models/gemma-3-270m/gemma-3-270m-q4_k_m.gguf")
    }()
    static let hasModel = FileManager.default.fileExists(atPath: model.path)

    @Test("metadata, tensor types and sample rows match the gguf package",
          .enabled(if: hasModel, "needs gemma-3-270m-q4_k_m.gguf ($GEMMA_GGUF or ~/.cache/neuron-workbench/models/gemma-3-270m/); skipped"))
    func realFile() throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: GGUFFixtures.url("gemma3-270m-q4_k_m.json")))
        let expected = try #require(object as? [String: Any])
        let file = try GGUFFile(url: Self.model)
        #expect(file.fileSize == GGUFFixtures.int(expected["file_size"]))
        #expect(file.tensors.count == GGUFFixtures.int(expected["tensor_count"]))
        #expect(file.metadata.count == GGUFFixtures.int(expected["metadata_count"]))
        let counts = Dictionary(grouping: file.tensors.values, by: \.type.description).mapValues(\.count)
        #expect(counts == (expected["type_counts"] as? [String: NSNumber])?.mapValues(\.intValue))
        for (key, entry) in try #require(expected["metadata"] as? [String: Any]) {
            #expect(file.metadata[key] == (try GGUFFixtures.value(entry)), "\(key)")
        }
        let tokens = try file.stringArray("tokenizer.ggml.tokens")
        #expect(tokens.count == GGUFFixtures.int(expected["token_count"]))
        #expect(Array(tokens.prefix(8)) == expected["tokens_head"] as? [String])

        for sample in try #require(expected["tensors"] as? [[String: Any]]) {
            let name = try #require(sample["name"] as? String)
            let info = try file.info(name)
            #expect(info.dimensions == GGUFFixtures.ints(sample["dims"]))
            #expect(info.type.description == sample["type"] as? String)
            let rows = try #require(GGUFFixtures.ints(sample["rows"]))
            let chosen = try file.rows(rows, of: name)
            let heads = try #require(sample["row_heads"] as? [[String]])
            let sums = try #require(sample["row_sums"] as? [NSNumber])
            for slot in rows.indices {
                let row = chosen.row(slot)
                #expect(row.prefix(8).map(\.bitPattern) == heads[slot].compactMap { Double($0).map { Float($0).bitPattern } }, "\(name) row \(rows[slot])")
                let sum = row.reduce(0.0) { $0 + Double($1) }
                #expect(abs(sum - sums[slot].doubleValue) <= 1e-9 * max(1, abs(sum)), "\(name) row \(rows[slot]): \(sum)")
            }
            if let total = (sample["sum"] as? NSNumber)?.doubleValue {
                let sum = try file.tensor(name).scalars.reduce(0.0) { $0 + Double($1) }
                #expect(abs(sum - total) <= 1e-9 * max(1, abs(total)), "\(name): \(sum) vs \(total)")
            }
        }
    }
}
