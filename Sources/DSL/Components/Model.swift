import Core

/// The model a study looks inside: `Model(.minilm)`, `Model(.mbert)`, `Model(.local("/path/to/hf-folder"))`.
public struct Model: StudyComponent {
    public static let componentName = "Model"

    /// A model from the catalog, or a local folder.
    public enum Choice: Sendable, Hashable, CustomStringConvertible {
        /// all-MiniLM-L6-v2, 6 × 384 (installed by scripts/setup; no MLM head).
        case minilm
        /// bert-base-multilingual-cased, 12 × 768, with MLM head (bring your own folder).
        case mbert
        /// xlm-roberta-base, 12 × 768, with MLM head (bring your own folder).
        case xlmr
        /// bert-base-cased (bring your own folder).
        case bert
        /// Gemma 3 270M, 18 × 640, a causal LM in GGUF (installed by scripts/setup; probing and rankings).
        case gemma3
        /// A Hugging Face folder (config.json, model.safetensors, tokenizer).
        case local(String)

        /// What Core resolves: a catalog name or a path.
        public var catalogName: String {
            switch self {
            case .minilm: return "minilm"
            case .mbert: return "mbert"
            case .xlmr: return "xlmr"
            case .bert: return "bert"
            case .gemma3: return "gemma3"
            case .local(let path): return path
            }
        }

        public var description: String {
            switch self {
            case .local(let path): return ".local(\"\(path)\")"
            default: return "." + catalogName
            }
        }
    }

    public var choice: Choice

    /// `Model(.minilm)`.
    public init(_ choice: Choice) { self.choice = choice }

    public func apply(to study: inout StudyDescription) { study.model = choice.catalogName }
    public var description: String { "Model(\(choice))" }
}
