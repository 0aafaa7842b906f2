import Foundation

/// A model and its tokenizer loaded together, and checked against each other once: every id the
/// tokenizer can produce must have a row in the model's token embedding, which the forward pass
/// reads without a bounds check per element.
extension ModelSource {
    /// The model and its tokenizer, checked as a pair.
    ///
    /// - Throws: what loading either throws, or ``CheckpointError/vocabularyMismatch(tokenizer:ids:weights:rows:)``
    ///   naming both files when the tokenizer can produce an id past the embedding's rows.
    public func load() throws -> (model: any LanguageModel, tokenizer: any Tokenizer) {
        let model = try loadModel(), tokenizer = try loadTokenizer()
        try checkPairing(model, tokenizer)
        return (model, tokenizer)
    }

    /// A Hugging Face encoder folder's model and tokenizer, checked as a pair (for the code that
    /// needs the concrete encoder: the extraction benchmark).
    public static func loadEncoder(folder: URL) throws -> (encoder: TransformerEncoder, tokenizer: any Tokenizer) {
        let source = ModelSource.huggingFace(folder: folder)
        let encoder = try TransformerEncoder.load(from: folder), tokenizer = try source.loadTokenizer()
        try source.checkPairing(encoder, tokenizer)
        return (encoder, tokenizer)
    }

    /// The file the tokenizer's vocabulary comes from (`tokenizer.json`, `vocab.txt` or the GGUF file).
    public var vocabularyFile: URL {
        switch self {
        case .huggingFace(let folder): return TokenizerLoader.vocabularyFile(in: folder) ?? folder.appendingPathComponent("vocab.txt")
        case .lstm(let folder): return folder.appendingPathComponent("vocab.txt")
        case .gguf(let file): return file
        }
    }

    /// The file that holds (or lists) the weights: `model.safetensors`, its shard index, or the GGUF file.
    public var weightsFile: URL {
        switch self {
        case .huggingFace(let folder), .lstm(let folder):
            let single = folder.appendingPathComponent("model.safetensors")
            return FileManager.default.fileExists(atPath: single.path) ? single : folder.appendingPathComponent("model.safetensors.index.json")
        case .gguf(let file): return file
        }
    }

    /// Checks every id `tokenizer` can produce (vocabulary, added tokens, special tokens) against the
    /// rows of `model`'s token embedding: once per pairing, so the forward pass needs no check per token.
    func checkPairing(_ model: any LanguageModel, _ tokenizer: any Tokenizer) throws {
        let ids = tokenizer.idRange
        guard ids.lowerBound < 0 || ids.upperBound >= model.vocabularySize else { return }
        throw CheckpointError.vocabularyMismatch(tokenizer: vocabularyFile, ids: ids, weights: weightsFile, rows: model.vocabularySize)
    }
}
