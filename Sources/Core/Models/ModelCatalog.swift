import Foundation

/// Names for the models researchers use, resolved to local folders.
///
/// Nothing is downloaded at run time: `minilm` is installed by `scripts/setup`; the others are
/// Hugging Face folders a user places under the models root (or passes as a path).
public enum ModelCatalog {
    /// Short names and the folder each expects under the models root.
    public static let knownModels: [(name: String, folder: String, about: String)] = [
        ("minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2, 6 × 384, uncased (installed by scripts/setup)"),
        ("mbert", "bert-base-multilingual-cased", "mBERT, 12 × 768, cased, with MLM head (bring your own)"),
        ("xlmr", "xlm-roberta-base", "XLM-R base, 12 × 768, with MLM head (bring your own)"),
        ("bert", "bert-base-cased", "BERT base cased (bring your own)"),
    ]

    /// `$NEURON_MODELS`, else `~/.cache/neuron-workbench/models`.
    public static var modelsRoot: URL {
        if let path = ProcessInfo.processInfo.environment["NEURON_MODELS"] { return URL(fileURLWithPath: path, isDirectory: true) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/neuron-workbench/models", isDirectory: true)
    }

    /// The default model's folder.
    public static var defaultModel: URL { modelsRoot.appendingPathComponent("all-MiniLM-L6-v2", isDirectory: true) }

    /// A short name (`minilm`, `mbert`, …) or a path to a folder.
    public static func resolve(_ nameOrPath: String) -> URL {
        if let known = knownModels.first(where: { $0.name == nameOrPath.lowercased() }) {
            return modelsRoot.appendingPathComponent(known.folder, isDirectory: true)
        }
        return URL(fileURLWithPath: (nameOrPath as NSString).expandingTildeInPath, isDirectory: true)
    }
}
