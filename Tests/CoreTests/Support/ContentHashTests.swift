import Foundation
import Testing
@testable import Core

@Suite("Content hash")
struct ContentHashTests {
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
