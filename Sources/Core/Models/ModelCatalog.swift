import Foundation

/// Names for the models researchers use, resolved to local folders.
///
/// Nothing is downloaded at run time: `minilm` and `gemma3` are installed by `scripts/setup`; the
/// others are Hugging Face folders a user places under the models root (or passes as a path). This is
/// the one list of model names: the DSL, the REPL's completion and hints and the planner read it.
public enum ModelCatalog {
    /// Short names and the folder (or file) each expects under the models root.
    public static let knownModels: [(name: String, path: String, about: String)] = [
        ("minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2, 6 × 384, uncased (installed by scripts/setup)"),
        ("mbert", "bert-base-multilingual-cased", "mBERT, 12 × 768, cased, with MLM head (bring your own)"),
        ("xlmr", "xlm-roberta-base", "XLM-R base, 12 × 768, with MLM head (bring your own)"),
        ("bert", "bert-base-cased", "BERT base cased (bring your own)"),
        ("gemma3", "gemma-3-270m/gemma-3-270m-q4_k_m.gguf", "Gemma 3 270M, 18 × 640, causal LM, GGUF Q4_K_M (installed by scripts/setup)"),
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
            return modelsRoot.appendingPathComponent(known.path, isDirectory: !known.path.hasSuffix(".gguf"))
        }
        let path = (nameOrPath as NSString).expandingTildeInPath
        return URL(fileURLWithPath: path, isDirectory: !path.lowercased().hasSuffix(".gguf"))
    }

    /// A short name or a path, as ``resolve(_:)``, refusing a word that is neither a known name nor
    /// anything on disk (`nosuchname`): the error lists the known names.
    ///
    /// A missing path (`/models/bert`, `bert.gguf`) is left to the loader, which names it.
    /// - Throws: ``ModelCatalogError/unknownName(_:)``.
    public static func locate(_ nameOrPath: String) throws -> URL {
        let url = resolve(nameOrPath)
        let isKnown = knownModels.contains { $0.name == nameOrPath.lowercased() }
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasPrefix("~") || nameOrPath.hasPrefix(".")
            || nameOrPath.lowercased().hasSuffix(".gguf")
        if !isKnown, !looksLikePath, !FileManager.default.fileExists(atPath: url.path) {
            throw ModelCatalogError.unknownName(nameOrPath)
        }
        return url
    }

    /// The source of a short name or path.
    /// - Throws: ``ModelCatalogError`` for an unknown name; `CheckpointError.missingFile` when
    ///   nothing is at the path.
    public static func source(_ nameOrPath: String) throws -> ModelSource {
        try ModelSource(url: locate(nameOrPath))
    }
}

/// A model named by a word the catalog does not know.
public enum ModelCatalogError: Error, CustomStringConvertible, Equatable {
    case unknownName(String)

    public var description: String {
        switch self {
        case .unknownName(let name):
            return "unknown model '\(name)': the known names are "
                + ModelCatalog.knownModels.map(\.name).joined(separator: ", ")
                + " (under \(ModelCatalog.modelsRoot.path)); a path to a Hugging Face folder or a GGUF file is also accepted"
        }
    }
}
