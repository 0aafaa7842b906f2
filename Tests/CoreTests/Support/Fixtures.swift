import Foundation

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
