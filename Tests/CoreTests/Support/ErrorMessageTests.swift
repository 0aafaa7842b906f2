import Foundation
import Testing
@testable import Core

@Suite("Error messages")
struct ErrorMessageTests {
    @Test("a Foundation file error is 'path: reason', not an NSError dump")
    func foundationFileError() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("error-message-\(UUID().uuidString)")
        try Data("x".utf8).write(to: parent)
        defer { try? FileManager.default.removeItem(at: parent) }
        let inside = parent.appendingPathComponent("folder")
        let error = #expect(throws: (any Error).self) {
            try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        }
        let text = try #require(error.map(ErrorMessage.text(for:)))
        #expect(text == "\(inside.path): Not a directory" || text == "\(parent.path): Not a directory"
                || text.hasPrefix(parent.path) && !text.contains("Domain="), "\(text)")
        #expect(!text.contains("\n"), "\(text)")
    }

    @Test("the workbench's own errors keep their text")
    func ownErrors() {
        let error = CacheError.missing(URL(fileURLWithPath: "/tmp/x"))
        #expect(ErrorMessage.text(for: error) == "/tmp/x: no such cache")
    }

    @Test("a cache folder that cannot be made is a cache write error naming it")
    func cacheFolder() throws {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("cache-blocker-\(UUID().uuidString)")
        try Data("x".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let folder = blocker.appendingPathComponent("activations")
        let error = #expect(throws: CacheError.self) { try ActivationCache.makeFolder(folder) }
        let text = try #require(error?.description)
        #expect(text.hasPrefix("\(folder.path): cannot write ("), "\(text)")
        #expect(!text.contains("Domain="), "\(text)")
    }
}
