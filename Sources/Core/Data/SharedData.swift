import Foundation

/// Locates the shared reference data (`../shared`): the UD treebanks and the UniMorph tables.
///
/// The root is, in order of precedence: the `root` argument, the `NEURON_SHARED` environment
/// variable, `../shared` relative to the current directory when it exists, else `shared` beside
/// the repository the running `workbench` was built in (so the same folder is found from any
/// working directory; `workbench run` passes it on to study scripts). Nothing under it is ever
/// copied into the repository.
public struct SharedData: Sendable, Hashable {
    /// The shared folder, e.g. `/work/shared`.
    public var root: URL

    /// Resolves the shared root (see the type's documentation for the precedence).
    public init(root: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let root {
            self.root = root
        } else if let path = environment["NEURON_SHARED"], !path.isEmpty {
            self.root = URL(fileURLWithPath: path, isDirectory: true)
        } else {
            let besideWorkingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
                .deletingLastPathComponent()
                .appendingPathComponent("shared", isDirectory: true)
            if FileManager.default.fileExists(atPath: besideWorkingDirectory.path) {
                self.root = besideWorkingDirectory
            } else {
                self.root = Self.besideRepository ?? besideWorkingDirectory
            }
        }
    }

    /// `shared` beside the repository that holds the running executable (a folder with
    /// `Package.swift` above it), when there is one.
    static let besideRepository: URL? = {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let shared = folder.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)
                return FileManager.default.fileExists(atPath: shared.path) ? shared : nil
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }()

    /// The default UD root: `$UD_ROOT` if set, else `<root>/ud`.
    public func udRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["UD_ROOT"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return root.appendingPathComponent("ud", isDirectory: true)
    }

    /// `<root>/data/ud-unimorph-mapping.tsv` (McCarthy et al. 2018).
    public var mappingTable: URL { root.appendingPathComponent("data/ud-unimorph-mapping.tsv") }

    /// `<root>/data/unimorph-tags.yaml` (UniMorph 3.0 dimensions and tags).
    public var tagTable: URL { root.appendingPathComponent("data/unimorph-tags.yaml") }
}
