import Foundation

/// Locates the shared reference data (`../shared`): the UD treebanks and the UniMorph tables.
///
/// The root is, in order of precedence: the `root` argument, the `NEURON_SHARED` environment
/// variable, or `../shared` relative to the current directory. Nothing under it is ever copied
/// into the repository.
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
            self.root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
                .deletingLastPathComponent()
                .appendingPathComponent("shared", isDirectory: true)
        }
    }

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
