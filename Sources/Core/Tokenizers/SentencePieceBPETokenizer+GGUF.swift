import Foundation

extension SentencePieceBPETokenizer {
    /// Reads the tokenizer a GGUF file describes under `tokenizer.ggml.*` (`model` must be `llama`).
    ///
    /// Keys: `tokens` (required), `scores` and `token_type` (all normal when absent),
    /// `bos_token_id`, `eos_token_id`, `unknown_token_id` (else the piece `<unk>`),
    /// `padding_token_id`, `add_bos_token` (default true, as transformers and llama.cpp assume for
    /// SentencePiece files), `add_eos_token` (default false), `add_space_prefix` (default false);
    /// the merge ranking follows `general.architecture` (``MergeRanking/forArchitecture(_:)``).
    ///
    /// - Throws: `GGUFError` for a missing or mistyped key, ``TokenizerError`` naming the file and the
    ///   key for a value out of range or a tokenizer model other than `llama`.
    public init(gguf: GGUFFile) throws {
        let prefix = "tokenizer.ggml."
        let modelKey = prefix + "model"
        let model = try gguf.string(modelKey)
        guard model == "llama" else {
            throw TokenizerError.unsupportedType(file: gguf.url, key: modelKey, type: model)
        }
        let pieces = try gguf.stringArray(prefix + "tokens")
        guard !pieces.isEmpty else { throw TokenizerError.emptyVocabulary(file: gguf.url) }

        func optional<T>(_ key: String, _ read: (String) throws -> T) throws -> T? {
            gguf.metadata[prefix + key] == nil ? nil : try read(prefix + key)
        }
        func perPiece<T>(_ key: String, _ values: [T]?) throws -> [T]? {
            guard let values else { return nil }
            guard values.count == pieces.count else {
                throw TokenizerError.invalidValue(
                    file: gguf.url, key: prefix + key, expected: "\(pieces.count) values, one per token (found \(values.count))")
            }
            return values
        }
        func id(_ key: String) throws -> Int? {
            guard let id = try optional(key, gguf.int) else { return nil }
            guard id >= 0, id < pieces.count else {
                throw TokenizerError.invalidValue(file: gguf.url, key: prefix + key, expected: "a token id in 0..<\(pieces.count) (found \(id))")
            }
            return id
        }

        let scores = try perPiece("scores", try optional("scores", gguf.floatArray))
        let types = try perPiece("token_type", try optional("token_type", gguf.intArray))
        if let types, let bad = types.firstIndex(where: { TokenType(rawValue: Int32(clamping: $0)) == nil }) {
            throw TokenizerError.invalidValue(
                file: gguf.url, key: prefix + "token_type", expected: "token types 1…6 (token \(bad) has \(types[bad]))")
        }
        guard let unknownID = try id("unknown_token_id") ?? pieces.firstIndex(of: "<unk>") else {
            throw TokenizerError.missingKey(file: gguf.url, key: prefix + "unknown_token_id")
        }
        let bosID = try id("bos_token_id")
        let eosID = try id("eos_token_id")
        let addBOS = try optional("add_bos_token", gguf.bool) ?? true
        let addEOS = try optional("add_eos_token", gguf.bool) ?? false
        if addBOS, bosID == nil { throw TokenizerError.missingKey(file: gguf.url, key: prefix + "bos_token_id") }
        if addEOS, eosID == nil { throw TokenizerError.missingKey(file: gguf.url, key: prefix + "eos_token_id") }
        let architecture = (try? gguf.string("general.architecture")) ?? ""
        self.init(
            pieces: pieces, scores: scores ?? Array(repeating: 0, count: pieces.count),
            tokenTypes: types.map { $0.map { Int32($0) } } ?? Array(repeating: TokenType.normal.rawValue, count: pieces.count),
            bosID: bosID, eosID: eosID, unknownID: unknownID, padID: try id("padding_token_id"),
            addBOS: addBOS, addEOS: addEOS, addSpacePrefix: try optional("add_space_prefix", gguf.bool) ?? false,
            ranking: .forArchitecture(architecture))
    }
}
