import Foundation
import Testing
@testable import Support
@testable import Storage
@testable import Analysis

@Suite("Error messages")
struct ErrorMessageTests {
    /// A plain file, so that making a folder inside it fails (ENOTDIR).
    func withPlainFile(_ body: (URL) throws -> Void) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("error-message-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try body(file)
    }

    @Test("a Foundation file error is 'path: reason', not an NSError dump")
    func foundationFileError() throws { try withPlainFile { parent in
        let inside = parent.appendingPathComponent("folder")
        let error = #expect(throws: (any Error).self) {
            try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        }
        let text = try #require(error.map(ErrorMessage.text(for:)))
        #expect(text.hasPrefix(parent.path) && text.hasSuffix(": Not a directory"), "\(text)")
        #expect(!text.contains("Domain=") && !text.contains("\n"), "\(text)")
    } }

    @Test("the workbench's own errors keep their text")
    func ownErrors() {
        let error = CacheError.missing(URL(fileURLWithPath: "/tmp/x"))
        #expect(ErrorMessage.text(for: error) == "/tmp/x: no such cache")
    }

    @Test("a cache folder that cannot be made is a cache write error naming it")
    func cacheFolder() throws { try withPlainFile { blocker in
        let folder = blocker.appendingPathComponent("activations")
        let error = #expect(throws: CacheError.self) { try ActivationCache.makeFolder(folder) }
        let text = try #require(error?.description)
        #expect(text.hasPrefix("\(folder.path): cannot write ("), "\(text)")
        #expect(!text.contains("Domain="), "\(text)")
    } }
}
