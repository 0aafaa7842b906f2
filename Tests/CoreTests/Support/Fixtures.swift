import Foundation
import Models

/// Locates committed test fixtures and shared reference data.
enum Fixtures {
    /// `Tests/CoreTests/Fixtures`, found from this source file's path (no bundle copying).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // CoreTests
        .appendingPathComponent("Fixtures", isDirectory: true)

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The tiny random-weight Gemma 3 GGUF (`TinyGemma3`, the seed of the `expected/gemma3-tiny*`
    /// references), written once per test process under the temporary folder: no model file is
    /// kept in the repository. A failed write gives a path that does not exist, so a test's load names it.
    static let tinyGemma3: URL = (try? TinyGemma3.temporaryFile()) ?? root.appendingPathComponent("gemma3-tiny-not-written.gguf")

    /// `../shared` beside the repository, or `$NEURON_SHARED`.
    static let shared: URL = {
        if let path = ProcessInfo.processInfo.environment["NEURON_SHARED"] {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return root.deletingLastPathComponent()  // CoreTests
            .deletingLastPathComponent()          // Tests
            .deletingLastPathComponent()          // repo
            .deletingLastPathComponent()          // beside repo
            .appendingPathComponent("shared", isDirectory: true)
    }()
}
