import Foundation
import Testing
@testable import Support
@testable import Models

/// Damaged GGUF files, made from the good `tiny.gguf`, give one exact line naming the file and
/// the key or tensor, and never a crash.
@Suite("GGUF errors")
struct GGUFErrorTests {
    /// The error opening `bytes` throws, as text with the scratch path replaced by `FILE`.
    func message(_ bytes: [UInt8]) throws -> String {
        let (error, url) = try GGUFFixtures.openError(bytes)
        let found = try #require(error, "the damaged file opened")
        return found.description.replacingOccurrences(of: url.path, with: "FILE")
    }

    @Test("a file cut inside the header")
    func truncatedHeader() throws {
        let bytes = try GGUFFixtures.tinyBytes()
        #expect(try message([]) == "FILE: truncated GGUF file: it ends inside the header")
        #expect(try message(Array(bytes.prefix(10))) == "FILE: truncated GGUF file: it ends inside the header")
        // The counts are checked first: 7 tensor infos cannot fit in the 12 bytes after the tensor count.
        #expect(try message(Array(bytes.prefix(28))) == "FILE: tensor count is 7, more than fits in the 12 bytes left in the file")
        // Key #0 (general.architecture = "tiny") takes bytes 24..<68; cut inside key #1's length.
        var twoKeys = Array(bytes.prefix(72))
        GGUFFixtures.patch(&twoKeys, at: 8, UInt64(0))
        GGUFFixtures.patch(&twoKeys, at: 16, UInt64(2))
        #expect(try message(twoKeys) == "FILE: truncated GGUF file: it ends inside metadata key #1")
    }

    @Test("a file cut inside a key's value or a tensor info names it")
    func truncatedInside() throws {
        let bytes = try GGUFFixtures.tinyBytes()
        let uint8 = try GGUFFixtures.find("test.uint8", in: bytes) + "test.uint8".utf8.count + 4  // the value byte
        var cut = Array(bytes.prefix(uint8))
        GGUFFixtures.patch(&cut, at: 8, UInt64(0))  // no tensors and 3 keys, so the counts fit what is left
        GGUFFixtures.patch(&cut, at: 16, UInt64(3))
        #expect(try message(cut) == "FILE: truncated GGUF file: it ends inside metadata key 'test.uint8'")
        let (type, _) = try GGUFFixtures.tensorInfoFields("q6_K.cube", dimensions: 3, in: bytes)
        #expect(try message(Array(bytes.prefix(type - 3))) == "FILE: truncated GGUF file: it ends inside tensor info 'q6_K.cube'")
    }

    @Test("a file cut inside the tensor data names the first tensor that no longer fits")
    func truncatedData() throws {
        let bytes = try GGUFFixtures.tinyBytes()
        let file = try GGUFFile(url: GGUFFixtures.url("tiny.gguf"))
        let cube = try file.info("q6_K.cube")
        let cut = bytes.count - 100
        #expect(try message(Array(bytes.prefix(cut)))
                == "FILE: tensor 'q6_K.cube' (840 bytes at data offset \(cube.offset)) lies outside the file's \(cut - file.dataOffset) data bytes (truncated?)")
    }

    @Test("every truncation and many random byte changes throw a GGUFError or read safely")
    func noCrash() throws {
        let bytes = try GGUFFixtures.tinyBytes()
        let url = try GGUFFixtures.scratchFile([])
        defer { GGUFFixtures.remove(url) }
        func attempt(_ damaged: [UInt8]) throws {
            try Data(damaged).write(to: url)
            do {
                let file = try GGUFFile(url: url)
                for name in file.tensorNames where file.tensors[name]?.type.isDequantizable == true {
                    let tensor = try file.tensor(name)
                    #expect(tensor.count == file.tensors[name]?.elementCount)
                    _ = try file.rows([0], of: name)
                }
            } catch is GGUFError {
            }
        }
        for length in stride(from: 0, through: bytes.count, by: 7) { try attempt(Array(bytes.prefix(length))) }
        var random = SplitMix64(seed: 7)
        for _ in 0..<400 {
            var damaged = bytes
            for _ in 0..<(1 + Int(random.next() % 4)) {
                // Mostly the header, where a flip changes counts, lengths, types and offsets.
                let limit = random.next() % 4 == 0 ? bytes.count : min(bytes.count, 1700)
                damaged[Int(random.next() % UInt64(limit))] = UInt8(truncatingIfNeeded: random.next())
            }
            try attempt(damaged)
        }
    }

    @Test("a wrong magic is shown")
    func badMagic() throws {
        var bytes = try GGUFFixtures.tinyBytes()
        bytes[3] = UInt8(ascii: "X")
        #expect(try message(bytes) == #"FILE: not a GGUF file (magic "GGUX", expected "GGUF")"#)
        bytes[0] = 0
        #expect(try message(bytes) == #"FILE: not a GGUF file (magic "\x0GUX", expected "GGUF")"#)
    }

    @Test("an unknown version is refused")
    func unknownVersion() throws {
        var bytes = try GGUFFixtures.tinyBytes()
        GGUFFixtures.patch(&bytes, at: 4, UInt32(99))
        #expect(try message(bytes) == "FILE: GGUF version 99 is not supported (supported: 2, 3)")
    }

    @Test("a tensor count or metadata count that cannot fit is refused before allocating")
    func hugeCounts() throws {
        let good = try GGUFFixtures.tinyBytes()
        var bytes = good
        GGUFFixtures.patch(&bytes, at: 8, UInt64(1) << 40)
        #expect(try message(bytes) == "FILE: tensor count is 1099511627776, more than fits in the \(good.count - 16) bytes left in the file")
        bytes = good
        GGUFFixtures.patch(&bytes, at: 16, UInt64.max)
        #expect(try message(bytes) == "FILE: metadata key count is 18446744073709551615, more than fits in the \(good.count - 24) bytes left in the file")
    }

    @Test("a string or array length that cannot fit is refused, naming the key")
    func hugeLengths() throws {
        let good = try GGUFFixtures.tinyBytes()
        var bytes = good
        GGUFFixtures.patch(&bytes, at: 24, UInt64(1) << 50)  // the first key's length
        #expect(try message(bytes) == "FILE: string length in metadata key #0 is 1125899906842624, more than fits in the \(good.count - 32) bytes left in the file")
        bytes = good
        let name = "test.array.strings"
        let count = try GGUFFixtures.find(name, in: bytes) + name.utf8.count + 4 + 4
        GGUFFixtures.patch(&bytes, at: count, UInt64(1) << 33)
        #expect(try message(bytes) == "FILE: array length of metadata key '\(name)' is 8589934592, more than fits in the \(good.count - count - 8) bytes left in the file")
    }

    @Test("a tensor offset past the end of the file is named")
    func offsetPastEnd() throws {
        let good = try GGUFFixtures.tinyBytes()
        let file = try GGUFFile(url: GGUFFixtures.url("tiny.gguf"))
        var bytes = good
        let (_, offset) = try GGUFFixtures.tensorInfoFields("f32.vector", dimensions: 1, in: bytes)
        GGUFFixtures.patch(&bytes, at: offset, UInt64(1) << 32)
        #expect(try message(bytes) == "FILE: tensor 'f32.vector' (20 bytes at data offset 4294967296) lies outside the file's \(good.count - file.dataOffset) data bytes (truncated?)")
        GGUFFixtures.patch(&bytes, at: offset, UInt64.max)
        #expect(try message(bytes).contains("tensor 'f32.vector' (20 bytes at data offset 18446744073709551615) lies outside"))
    }

    @Test("a tensor whose byte size exceeds the file is named")
    func sizeExceedsFile() throws {
        var bytes = try GGUFFixtures.tinyBytes()
        let (type, _) = try GGUFFixtures.tensorInfoFields("q6_K.cube", dimensions: 3, in: bytes)
        GGUFFixtures.patch(&bytes, at: type - 8, UInt64(1) << 20)  // the last dim: 2 → 2^20 rows
        #expect(try message(bytes).hasPrefix("FILE: tensor 'q6_K.cube' (440401920 bytes at data offset"))
        GGUFFixtures.patch(&bytes, at: type - 8, UInt64(1) << 62)
        #expect(try message(bytes) == "FILE: tensor 'q6_K.cube': element count overflows")
    }

    @Test("an unknown tensor type id is named; a known type without a dequantiser fails only when read")
    func tensorTypes() throws {
        let good = try GGUFFixtures.tinyBytes()
        var bytes = good
        let (type, _) = try GGUFFixtures.tensorInfoFields("f32.vector", dimensions: 1, in: bytes)
        GGUFFixtures.patch(&bytes, at: type, UInt32(99))
        #expect(try message(bytes) == "FILE: tensor 'f32.vector' has unknown ggml type id 99")

        bytes = good
        let (q8, _) = try GGUFFixtures.tensorInfoFields("q8_0.matrix", dimensions: 2, in: bytes)
        GGUFFixtures.patch(&bytes, at: q8, GGMLType.iq4_NL.rawValue)  // 32 weights in 18 bytes: fits in Q8_0's bytes
        let url = try GGUFFixtures.scratchFile(bytes)
        defer { GGUFFixtures.remove(url) }
        let file = try GGUFFile(url: url)
        #expect(file.tensors["q8_0.matrix"]?.type == .iq4_NL)
        let error = GGUFError.unsupportedTensorType(url, tensor: "q8_0.matrix", type: .iq4_NL)
        #expect(throws: error) { try file.tensor("q8_0.matrix") }
        #expect(throws: error) { try file.rows([1], of: "q8_0.matrix") }
        #expect(error.description == "\(url.path): tensor 'q8_0.matrix' has type IQ4_NL; supported: F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, BF16")

        bytes = good
        GGUFFixtures.patch(&bytes, at: q8, GGMLType.q4_K.rawValue)  // rows of 64 are not whole 256-weight blocks
        #expect(try message(bytes) == "FILE: tensor 'q8_0.matrix': row length 64 is not a multiple of the Q4_K block size 256")
        bytes = good
        GGUFFixtures.patch(&bytes, at: q8 - 4 - 16, UInt32(5))  // n_dims
        #expect(try message(bytes) == "FILE: tensor 'q8_0.matrix': 5 dimensions (at most 4)")
    }

    @Test("a metadata value of an unknown type, a bad alignment and a wrong-typed alignment are named")
    func metadataErrors() throws {
        var bytes = try GGUFFixtures.tinyBytes()
        let key = "test.int8"
        let typeOffset = try GGUFFixtures.find(key, in: bytes) + key.utf8.count
        GGUFFixtures.patch(&bytes, at: typeOffset, UInt32(13))
        #expect(try message(bytes) == "FILE: metadata key 'test.int8': unknown value type id 13")

        let aligned = [UInt8](try Data(contentsOf: GGUFFixtures.url("tiny-align64.gguf")))
        let alignmentType = try GGUFFixtures.find("general.alignment", in: aligned) + "general.alignment".utf8.count
        var damaged = aligned
        GGUFFixtures.patch(&damaged, at: alignmentType + 4, UInt32(48))
        #expect(try message(damaged) == "FILE: metadata key 'general.alignment': alignment 48 is not a power of two")
        damaged = aligned
        GGUFFixtures.patch(&damaged, at: alignmentType, GGUFValueType.float32.rawValue)
        #expect(try message(damaged) == "FILE: metadata key 'general.alignment' is FLOAT32, expected UINT32")
    }

    @Test("deeply nested arrays and duplicate keys are refused")
    func builtFiles() throws {
        var nested = GGUFBytes(keys: 1)
        nested.append("deep")
        nested.append(GGUFValueType.array.rawValue)
        for _ in 0..<40 {
            nested.append(GGUFValueType.array.rawValue)
            nested.append(UInt64(1))
        }
        nested.append(GGUFValueType.uint8.rawValue)
        nested.append(UInt64(1))
        nested.append(UInt8(7))
        #expect(try message(nested.bytes) == "FILE: metadata key 'deep': arrays nested deeper than 16")

        var twice = GGUFBytes(keys: 2)
        for value: UInt8 in [1, 2] {
            twice.append("general.a")
            twice.append(GGUFValueType.uint8.rawValue)
            twice.append(value)
        }
        #expect(try message(twice.bytes) == "FILE: metadata key 'general.a' appears twice")

        var empty = GGUFBytes(keys: 0)
        empty.bytes += []
        let (error, _) = try GGUFFixtures.openError(empty.bytes)
        #expect(error == nil, "a file with no keys and no tensors is valid")
    }

    @Test("a missing or unreadable path is named")
    func unreadable() throws {
        let url = URL(fileURLWithPath: "/nonexistent/model.gguf")
        #expect(throws: GGUFError.unreadable(url, reason: "No such file or directory")) { try GGUFFile(url: url) }
        #expect(GGUFError.unreadable(url, reason: "No such file or directory").description
                == "/nonexistent/model.gguf: cannot read (No such file or directory)")
        let folder = FileManager.default.temporaryDirectory
        #expect(throws: GGUFError.unreadable(folder, reason: "not a regular file")) { try GGUFFile(url: folder) }
    }
}
