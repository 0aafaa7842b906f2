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

    /// The source of a short name or path. - Throws: `CheckpointError.missingFile` when nothing is there.
    public static func source(_ nameOrPath: String) throws -> ModelSource {
        try ModelSource(url: resolve(nameOrPath))
    }
}
