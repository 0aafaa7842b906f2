import Foundation
import Support

/// Where a model comes from, and everything that depends only on that: what a cache key hashes,
/// a one-line summary, the number of hidden states, loading the model and its tokenizer.
///
/// A new kind of checkpoint is a new case here and a new ``LanguageModel``; nothing downstream
/// (extraction, caches, studies, the REPL) names a concrete model type.
public enum ModelSource: Sendable, Hashable, CustomStringConvertible {
    /// A Hugging Face folder: config.json, safetensors, tokenizer.json or vocab.txt (BERT, XLM-R, …).
    case huggingFace(folder: URL)
    /// One GGUF file holding weights, architecture and tokenizer (Gemma 3).
    case gguf(file: URL)
    /// A word-level LSTM language model folder (Gulordava et al. 2018): config.json with
    /// `"model_type": "lstm-lm"`, model.safetensors, vocab.txt (``LSTMConfig``).
    case lstm(folder: URL)

    /// Recognises a model at `url`: a `.gguf` file (or any file starting with the GGUF magic), or a
    /// folder with `config.json` (an LSTM language model when its `model_type` is `lstm-lm`).
    ///
    /// - Throws: `CheckpointError.missingFile` naming what was looked for.
    public init(url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CheckpointError.missingFile(url)
        }
        if isDirectory.boolValue {
            let config = url.appendingPathComponent("config.json")
            guard FileManager.default.fileExists(atPath: config.path) else { throw CheckpointError.missingFile(config) }
            self = LSTMConfig.declaresLSTM(config) ? .lstm(folder: url) : .huggingFace(folder: url)
        } else if url.pathExtension.lowercased() == "gguf" || Self.startsWithGGUFMagic(url) {
            self = .gguf(file: url)
        } else {
            throw CheckpointError.unreadableFile(url, reason: "neither a GGUF file nor a Hugging Face folder with config.json")
        }
    }

    static func startsWithGGUFMagic(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url), let head = try? handle.read(upToCount: 4) else { return false }
        try? handle.close()
        return head == Data("GGUF".utf8)
    }

    public var url: URL {
        switch self {
        case .huggingFace(let folder), .lstm(let folder): return folder
        case .gguf(let file): return file
        }
    }

    /// A short name for folders and reports: the folder's name, or the file's without `.gguf`.
    public var name: String {
        switch self {
        case .huggingFace(let folder), .lstm(let folder): return folder.standardizedFileURL.lastPathComponent
        case .gguf(let file): return file.standardizedFileURL.deletingPathExtension().lastPathComponent
        }
    }

    public var description: String { url.path }

    /// The files whose bytes define the model and its tokenizer.
    public func definingFiles() throws -> [URL] {
        switch self {
        case .huggingFace(let folder), .lstm(let folder): return try CheckpointFolder(url: folder).definingFiles
        case .gguf(let file): return [file]
        }
    }

    /// The hash every cache keyed by this model uses: file names and contents.
    public func contentHash() throws -> String {
        ContentHash.combine(try definingFiles().map { $0.lastPathComponent + ":" + (try ContentHash.ofFile($0)) })
    }

    /// What the model predicts, read without loading weights.
    public var objective: PredictionObjective {
        switch self {
        case .huggingFace: return .maskedToken
        case .gguf, .lstm: return .nextToken
        }
    }

    /// How a word's vector is made from its subwords unless a study says otherwise: the mean for an
    /// encoder, the last subword for a causal model (the only one that has seen the whole word).
    public var defaultAggregation: WordAggregation { objective == .nextToken ? .last : .mean }

    /// The sizes a plan needs, read from the config without loading weights.
    public struct Shape: Sendable, Equatable {
        /// Blocks; hidden states are 0…layerCount.
        public var layerCount: Int
        /// Width of the residual stream.
        public var hiddenSize: Int
        /// Whether the blocks are recurrent (and have cell states).
        public var isRecurrent = false
    }

    /// The model's sizes, from config.json or the GGUF metadata.
    public func shape() throws -> Shape {
        switch self {
        case .huggingFace(let folder):
            let config = try EncoderConfig.load(checkedAgainst: try CheckpointFolder(url: folder))
            return Shape(layerCount: config.layerCount, hiddenSize: config.hiddenSize)
        case .gguf(let file):
            let config = try Gemma3Config(gguf: try GGUFFile(url: file))
            return Shape(layerCount: config.layerCount, hiddenSize: config.hiddenSize)
        case .lstm(let folder):
            let config = try LSTMConfig.load(checkedAgainst: try CheckpointFolder(url: folder))
            return Shape(layerCount: config.layerCount, hiddenSize: config.hiddenSize, isRecurrent: true)
        }
    }

    /// The model, weights in float32 (``load()`` loads it with its tokenizer, checked as a pair).
    public func loadModel() throws -> any LanguageModel {
        switch self {
        case .huggingFace(let folder): return try TransformerEncoder.load(from: folder)
        case .gguf(let file): return try Gemma3Model.load(from: file)
        case .lstm(let folder): return try LSTMModel.load(from: folder)
        }
    }

    /// The model's tokenizer (token ids equal to the reference tokenizer's).
    public func loadTokenizer() throws -> any Tokenizer {
        switch self {
        case .huggingFace(let folder): return try TokenizerLoader.load(folder: folder)
        case .gguf(let file): return try SentencePieceBPETokenizer(gguf: try GGUFFile(url: file))
        case .lstm(let folder): return try WordVocabularyTokenizer(url: folder.appendingPathComponent("vocab.txt"))
        }
    }
}
