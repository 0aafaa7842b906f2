import Foundation
import Testing
@testable import Support

@Suite("Content hash")
struct ContentHashTests {
    @Test("xxh64 matches the reference implementation")
    func xxh64() {
        #expect(ContentHash.xxh64("") == 0xEF46_DB37_51D8_E999)
        #expect(ContentHash.xxh64("abc") == 0x44BC_2CF5_AD77_0999)
        #expect(ContentHash.xxh64("Neuron Workbench: the quick brown fox jumps over the lazy dog") == 0x2995_0AAD_D138_E6EF)
    }

    @Test("a file hashed 4 MB at a time equals the one-shot hash of its bytes, at every tail length")
    func fileMatchesOneShot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SplitMix64(seed: 3)
        for size in [0, 5, 31, 32, 33, 100, 4 << 20, (4 << 20) + 45, (9 << 20) + 7] {
            let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let url = folder.appendingPathComponent("\(size).bin")
            try Data(bytes).write(to: url)
            let (hash, count) = try ContentHash.ofFileWithSize(url)
            #expect(count == size)
            #expect(hash == bytes.withUnsafeBytes { ContentHash.xxh64($0) }, "size \(size)")
        }
        let absent = folder.appendingPathComponent("absent.bin")
        let error = #expect(throws: ContentHash.ReadError.self) { try ContentHash.ofFile(absent) }
        #expect(error?.description == "\(absent.path): cannot read (No such file or directory)")
    }
}
