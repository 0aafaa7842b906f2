import Foundation
import Testing
@testable import Models

/// The reader on GGUF files written by `gguf.GGUFWriter`, against what `gguf.GGUFReader` reads.
@Suite("GGUF file reading")
struct GGUFFileTests {
    static let files = ["tiny.gguf", "tiny-align64.gguf"]

    @Test("header, alignment and data offset match the reference reader", arguments: files)
    func header(name: String) throws {
        let expected = try GGUFFixtures.expectedFile(name)
        let file = try GGUFFile(url: GGUFFixtures.url(name))
        #expect(file.version == 3)
        #expect(file.alignment == GGUFFixtures.int(expected["alignment"]))
        #expect(file.dataOffset == GGUFFixtures.int(expected["data_offset"]))
        #expect(file.fileSize == GGUFFixtures.int(expected["file_size"]))
        #expect(file.dataOffset % file.alignment == 0)
    }

    @Test("every metadata value of every type reads as written", arguments: files)
    func metadata(name: String) throws {
        let expected = try #require(try GGUFFixtures.expectedFile(name)["metadata"] as? [String: Any])
        let file = try GGUFFile(url: GGUFFixtures.url(name))
        #expect(Set(file.metadata.keys) == Set(expected.keys))
        #expect(file.metadataKeys.count == expected.count)
        for (key, entry) in expected {
            #expect(file.metadata[key] == (try GGUFFixtures.value(entry)), "\(key)")
        }
        // Every value type is there, and the nested arrays too.
        let types = Set(file.metadata.values.map(\.type))
        #expect(types == Set(GGUFValueType.allCases))
        #expect(file.metadata["test.array.nested.deep"]?.array?.first?.array?.last?.floatArray == [2.5, 3.5])
    }

    @Test("typed lookups convert and name the key when missing or mistyped")
    func typedLookups() throws {
        let url = GGUFFixtures.url("tiny.gguf")
        let file = try GGUFFile(url: url)
        #expect(try file.int("test.uint8") == 200)
        #expect(try file.int("test.int64") == -(1 << 40))
        #expect(try file.int("tiny.context_length") == 128)
        #expect(try file.float("test.float32") == 1e-6)
        #expect(try file.double("test.float64") == 1.0 / 3.0)
        #expect(try file.bool("test.bool.true") == true)
        #expect(try file.bool("test.bool.false") == false)
        #expect(try file.string("general.name") == "tiny ünïcode ✓")
        #expect(try file.string("test.string.empty") == "")
        #expect(try file.stringArray("test.array.strings") == ["a", "bb", "", "ünï", "<0x0A>"])
        #expect(try file.intArray("test.array.int32") == [1, -2, 3, 2_000_000_000])
        #expect(try file.intArray("test.array.uint8") == [0, 7, 255])
        #expect(try file.floatArray("test.array.float32") == [0.5, -1.25, 1e-6, 3.0e38])
        #expect(try file.floatArray("test.array.float64") == [Float(0.1), -2.5])
        #expect(file.metadata["test.uint64"]?.int == nil)  // 2^63 + 5 does not fit in Int
        #expect(file.metadata["test.array.uint64"]?.intArray == nil)

        #expect(throws: GGUFError.missingKey(url, key: "gemma3.block_count")) { try file.int("gemma3.block_count") }
        #expect(GGUFError.missingKey(url, key: "gemma3.block_count").description == "\(url.path): no metadata key 'gemma3.block_count'")
        let wrong = GGUFError.wrongType(url, key: "general.name", expected: "an integer that fits in Int", found: "STRING")
        #expect(throws: wrong) { try file.int("general.name") }
        #expect(wrong.description == "\(url.path): metadata key 'general.name' is STRING, expected an integer that fits in Int")
        #expect(throws: GGUFError.wrongType(url, key: "test.array.int32", expected: "ARRAY of STRING", found: "ARRAY of INT32")) {
            try file.stringArray("test.array.int32")
        }
        #expect(throws: GGUFError.wrongType(url, key: "test.uint64", expected: "an integer that fits in Int", found: "UINT64")) {
            try file.int("test.uint64")
        }
    }

    @Test("tensor infos: names in order, ggml dims, row-major shapes, types and byte ranges", arguments: files)
    func tensorInfos(name: String) throws {
        let expected = try #require(try GGUFFixtures.expectedFile(name)["tensors"] as? [[String: Any]])
        let file = try GGUFFile(url: GGUFFixtures.url(name))
        #expect(file.tensorNames == expected.compactMap { $0["name"] as? String })
        for entry in expected {
            let info = try file.info(try #require(entry["name"] as? String))
            let dims = try #require(GGUFFixtures.ints(entry["dims"]))
            let start = try #require(GGUFFixtures.int(entry["data_offset"])), bytes = try #require(GGUFFixtures.int(entry["bytes"]))
            #expect(info.dimensions == dims)
            #expect(info.shape == dims.reversed())
            #expect(info.matrixShape == [dims.dropFirst().reduce(1, *), dims[0]])
            #expect(info.type.description == entry["type"] as? String)
            #expect(info.byteRange == start..<(start + bytes))
            #expect(info.offset == start - file.dataOffset)
        }
        let cube = try file.info("q6_K.cube")
        #expect(cube.dimensions == [256, 2, 2] && cube.shape == [2, 2, 256] && cube.matrixShape == [4, 256])
        #expect(try file.info("q4_K.matrix").shape == [3, 512])
    }

    @Test("every tensor dequantises to the reference values exactly", arguments: files)
    func tensorValues(name: String) throws {
        let manifest = try GGUFFixtures.expectedFile(name)
        let expected = try #require(manifest["tensors"] as? [[String: Any]])
        let values = try GGUFFixtures.floats(name.replacingOccurrences(of: ".gguf", with: ".values.f32"))
        let file = try GGUFFile(url: GGUFFixtures.url(name))
        for entry in expected {
            let tensorName = try #require(entry["name"] as? String)
            let span = try #require(GGUFFixtures.ints(entry["values"]))
            let tensor = try file.tensor(tensorName)
            #expect(tensor.shape == (try #require(GGUFFixtures.ints(entry["dims"]))).reversed())
            #expect(tensor.scalars.map(\.bitPattern) == values[span[0]..<(span[0] + span[1])].map(\.bitPattern), "\(tensorName)")
        }
    }

    @Test("chosen rows equal the same rows of the whole tensor", arguments: ["q8_0.matrix", "q5_0.matrix", "q4_K.matrix", "q6_K.cube", "f16.matrix", "bf16.matrix", "f32.vector"])
    func chosenRows(name: String) throws {
        let file = try GGUFFile(url: GGUFFixtures.url("tiny.gguf"))
        let info = try file.info(name)
        let whole = try file.tensor(name).reshaped(info.matrixShape)
        let rows = info.matrixShape[0]
        let indices = Array((0..<rows).reversed()) + [0, rows - 1, 0]
        let chosen = try file.rows(indices, of: name)
        #expect(chosen.shape == [indices.count, info.matrixShape[1]])
        for (slot, row) in indices.enumerated() {
            #expect(chosen.row(slot).map(\.bitPattern) == whole.row(row).map(\.bitPattern), "\(name) row \(row)")
        }
        #expect(try file.rows([], of: name).shape == [0, info.matrixShape[1]])
        #expect(throws: GGUFError.rowOutOfRange(file.url, tensor: name, row: rows, rows: rows)) { try file.rows([0, rows], of: name) }
        #expect(throws: GGUFError.rowOutOfRange(file.url, tensor: name, row: -1, rows: rows)) { try file.rows([-1], of: name) }
    }

    @Test("a missing tensor is named")
    func missingTensor() throws {
        let file = try GGUFFile(url: GGUFFixtures.url("tiny.gguf"))
        let error = GGUFError.missingTensor(file.url, tensor: "output.weight")
        #expect(throws: error) { try file.tensor("output.weight") }
        #expect(throws: error) { try file.rows([0], of: "output.weight") }
        #expect(error.description == "\(file.url.path): no tensor 'output.weight'")
        #expect(GGUFError.rowOutOfRange(file.url, tensor: "q8_0.matrix", row: 9, rows: 4).description
                == "\(file.url.path): row 9 of tensor 'q8_0.matrix' is out of range (4 rows)")
    }

    @Test("a version 2 file reads the same")
    func version2() throws {
        var bytes = try GGUFFixtures.tinyBytes()
        GGUFFixtures.patch(&bytes, at: 4, UInt32(2))
        let url = try GGUFFixtures.scratchFile(bytes)
        defer { GGUFFixtures.remove(url) }
        let file = try GGUFFile(url: url), reference = try GGUFFile(url: GGUFFixtures.url("tiny.gguf"))
        #expect(file.version == 2)
        #expect(file.metadata == reference.metadata && file.tensors == reference.tensors)
        #expect(try file.tensor("q4_K.matrix") == reference.tensor("q4_K.matrix"))
    }
}
