import Foundation

/// Loads the tokenizer of a Hugging Face checkpoint folder.
///
/// `tokenizer.json` is preferred (WordPiece → ``WordPieceTokenizer``, Unigram →
/// ``UnigramTokenizer``, BPE → ``BPETokenizer``, WordLevel → ``WordLevelTokenizer``, each with the
/// file's normalizer, pre-tokenizer and post-processor); without it, `vocab.txt` plus the optional
/// `tokenizer_config.json` make a BERT tokenizer. When `tokenizer_config.json` names `BertTokenizer` or `XLMRobertaTokenizer`,
/// the pipeline is rebuilt from the config exactly as transformers 5 does (see
/// `TokenizerLoader+Transformers.swift`), so ids equal `AutoTokenizer`'s.
public enum TokenizerLoader {
    /// Loads the tokenizer in `folder`.
    ///
    /// - Throws: ``TokenizerError`` naming the file and key when a file is missing, malformed or
    ///   uses a component this package does not implement.
    public static func load(folder: URL) throws -> any Tokenizer {
        let fileManager = FileManager.default
        let config = folder.appendingPathComponent("tokenizer_config.json")
        let configJSON = fileManager.fileExists(atPath: config.path) ? try TokenizerJSON.read(config) : nil
        switch vocabularyFile(in: folder) {
        case let tokenizerJSON? where tokenizerJSON.lastPathComponent == "tokenizer.json":
            return try load(tokenizerJSON: tokenizerJSON, config: configJSON)
        case let vocabText?:
            let specialMap = folder.appendingPathComponent("special_tokens_map.json")
            let specialJSON = fileManager.fileExists(atPath: specialMap.path) ? try TokenizerJSON.read(specialMap) : nil
            return try load(vocabText: vocabText, config: configJSON, specialTokensMap: specialJSON)
        case nil:
            throw TokenizerError.noTokenizerFiles(folder: folder)
        }
    }

    /// The file whose vocabulary ``load(folder:)`` reads: `tokenizer.json`, else `vocab.txt` (nil: neither).
    public static func vocabularyFile(in folder: URL) -> URL? {
        ["tokenizer.json", "vocab.txt"].lazy.map { folder.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Ids of a vocabulary file lie below this (2²⁴, as for a GGUF vocabulary): the largest
    /// vocabularies in use have about 2¹⁸ entries.
    public static let maximumID = 1 << 24

    // MARK: - tokenizer.json

    /// Loads a `tokenizer.json`.
    static func load(tokenizerJSON file: URL, config: TokenizerJSON?) throws -> any Tokenizer {
        let json = try TokenizerJSON.read(file)
        let modelJSON = try json.required("model")
        let type: String
        if let declared = try modelJSON.optional("type") {
            type = try declared.string()
        } else if let vocab = try modelJSON.optional("vocab") {
            if case .array = vocab.value {
                type = "Unigram"
            } else {
                type = try modelJSON.optional("merges") != nil ? "BPE" : "WordPiece"
            }
        } else {
            throw TokenizerError.missingKey(file: file, key: "model.type")
        }
        var normalizer = try parseNormalizer(json.optional("normalizer"))
        var preTokenizer = try parsePreTokenizer(json.optional("pre_tokenizer"))
        var postProcessor = try TokenizerPostProcessor(json: json.optional("post_processor"))
        let addedTokens = try parseAddedTokens(json.optional("added_tokens"))
        let transformersClass = try TransformersClass(config: config)

        switch type {
        case "WordPiece":
            let isBert = transformersClass == .bert
            // transformers' BertTokenizer makes WordPiece(vocab, unk_token) with default options.
            let model = try parseWordPiece(
                modelJSON,
                unknownToken: isBert ? try config?.optional("unk_token")?.tokenContent() ?? "[UNK]" : nil,
                useDefaults: isBert)
            if isBert, let config {
                (normalizer, preTokenizer, postProcessor) = try bertPipeline(config: config, model: model, addedTokens: addedTokens)
            }
            let pipeline = TokenizerPipeline(
                normalizer: normalizer, preTokenizer: preTokenizer, model: model, addedTokens: addedTokens,
                postProcessor: postProcessor,
                padID: try padID(json: json, config: config, vocabulary: model.tokenToID, addedTokens: addedTokens, fallbacks: ["[PAD]"]))
            return WordPieceTokenizer(pipeline: pipeline)
        case "Unigram":
            let isXLMR = transformersClass == .xlmRoberta
            let model = try parseUnigram(modelJSON, unknownID: isXLMR ? TokenizerLoader.xlmRobertaUnknownID : nil)
            if isXLMR, let config {
                (normalizer, preTokenizer, postProcessor) = try xlmRobertaPipeline(
                    config: config, fileNormalizer: normalizer, model: model, addedTokens: addedTokens)
            }
            let pipeline = TokenizerPipeline(
                normalizer: normalizer, preTokenizer: preTokenizer, model: model, addedTokens: addedTokens,
                postProcessor: postProcessor,
                padID: try padID(json: json, config: config, vocabulary: model.tokenToID, addedTokens: addedTokens, fallbacks: ["<pad>"]))
            return UnigramTokenizer(pipeline: pipeline)
        case "WordLevel":
            let model = try parseWordLevel(modelJSON)
            let pipeline = TokenizerPipeline(
                normalizer: normalizer, preTokenizer: preTokenizer, model: model, addedTokens: addedTokens,
                postProcessor: postProcessor,
                padID: try padID(json: json, config: config, vocabulary: model.tokenToID, addedTokens: addedTokens, fallbacks: ["[PAD]", "<pad>"]))
            return WordLevelTokenizer(pipeline: pipeline)
        case "BPE":
            let model = try parseBPE(modelJSON)
            let pipeline = TokenizerPipeline(
                normalizer: normalizer, preTokenizer: preTokenizer, model: model, addedTokens: addedTokens,
                postProcessor: postProcessor,
                padID: try padID(json: json, config: config, vocabulary: model.tokenToID, addedTokens: addedTokens, fallbacks: ["<pad>", "[PAD]"]))
            return BPETokenizer(pipeline: pipeline)
        default:
            throw TokenizerError.unsupportedType(file: file, key: "model.type", type: type)
        }
    }

    /// The padding id: `padding.pad_id`, else the config's `pad_token`, else a conventional name.
    private static func padID(
        json: TokenizerJSON, config: TokenizerJSON?, vocabulary: [String: Int], addedTokens: [AddedToken], fallbacks: [String]
    ) throws -> Int {
        if let padding = try json.optional("padding"), let id = try padding.optional("pad_id") {
            return try id.int()
        }
        var names = fallbacks
        if let token = try config?.optional("pad_token") { names.insert(try token.tokenContent(), at: 0) }
        for name in names {
            if let added = addedTokens.first(where: { $0.content == name }) { return added.id }
            if let id = vocabulary[name] { return id }
        }
        return 0
    }

    /// Reads a WordPiece model; `unknownToken` replaces the file's `unk_token`, and
    /// `useDefaults` ignores its prefix and word-length options for `##` and 100.
    private static func parseWordPiece(_ json: TokenizerJSON, unknownToken: String? = nil, useDefaults: Bool = false) throws -> WordPieceModel {
        let entries = try parseVocabulary(json)
        let unknown = try unknownToken ?? json.string("unk_token", default: "[UNK]")
        guard let unknownID = entries.last(where: { $0.token.utf8.elementsEqual(unknown.utf8) })?.id else {
            let key = unknownToken == nil ? json.childPath("unk_token") : "unk_token (tokenizer_config.json)"
            throw TokenizerError.unknownToken(file: json.file, key: key, token: unknown)
        }
        return WordPieceModel(
            entries: entries, unknownID: unknownID,
            continuationPrefix: useDefaults ? "##" : try json.string("continuing_subword_prefix", default: "##"),
            maxInputCharsPerWord: useDefaults ? 100 : try json.int("max_input_chars_per_word", default: 100))
    }

    /// The `vocab` object (token: id) of a WordPiece, WordLevel or BPE model, in file order.
    private static func parseVocabulary(_ json: TokenizerJSON) throws -> [(token: String, id: Int)] {
        let vocabJSON = try json.required("vocab")
        guard case let .object(raw) = vocabJSON.value else { throw vocabJSON.invalid("an object of token: id") }
        guard !raw.isEmpty else { throw TokenizerError.emptyVocabulary(file: json.file) }
        return try raw.members.map { token, value in
            // Ids index an array of tokens: one near 2⁶³ must not become an allocation.
            guard let id = TokenizerJSON.integer(value), id >= 0, id < maximumID else {
                throw TokenizerError.invalidValue(file: json.file, key: vocabJSON.childPath(token), expected: "an integer id in 0..<\(maximumID)")
            }
            return (token, id)
        }
    }

    /// The id of the model's unknown token (`unk_token`, or `defaultToken` when absent), compared
    /// byte for byte.
    private static func unknownID(_ json: TokenizerJSON, in vocabulary: SubwordVocabulary, default defaultToken: String?) throws -> Int? {
        guard let unknown = try json.optional("unk_token")?.string() ?? defaultToken else { return nil }
        guard let id = vocabulary.trie.lookup(unknown.utf8) else {
            throw TokenizerError.unknownToken(file: json.file, key: json.childPath("unk_token"), token: unknown)
        }
        return Int(id)
    }

    /// Reads a WordLevel model. HF fails only when a piece outside the vocabulary meets a missing
    /// `unk_token`; here a missing one is refused when the file is read.
    private static func parseWordLevel(_ json: TokenizerJSON) throws -> WordLevelModel {
        let vocabulary = SubwordVocabulary(entries: try parseVocabulary(json))
        let unknownID = try unknownID(json, in: vocabulary, default: "<unk>") ?? 0
        return WordLevelModel(vocabulary: vocabulary, unknownID: unknownID)
    }

    /// Reads a BPE model: `merges` as `["a b", …]` (tokenizers before 0.20) or `[["a", "b"], …]`.
    /// Without `unk_token`, characters outside the vocabulary are dropped (as HF does).
    private static func parseBPE(_ json: TokenizerJSON) throws -> BPEModel {
        let vocabulary = SubwordVocabulary(entries: try parseVocabulary(json))
        if let dropout = try json.optional("dropout"), try dropout.double() != 0 {
            throw dropout.invalid("null or 0 (BPE dropout samples merges at random, so ids would not be reproducible)")
        }
        let mergesJSON = try json.required("merges")
        var merges: [(String, String)] = []
        for (index, entry) in try mergesJSON.rawArray().enumerated() {
            switch entry {
            case let .string(line):
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw TokenizerError.invalidValue(file: json.file, key: "\(mergesJSON.path)[\(index)]", expected: "\"left right\" with one space")
                }
                merges.append((String(parts[0]), String(parts[1])))
            case let .array(pair):
                guard pair.count == 2, case let .string(left) = pair[0], case let .string(right) = pair[1] else {
                    throw TokenizerError.invalidValue(file: json.file, key: "\(mergesJSON.path)[\(index)]", expected: "[left, right]")
                }
                merges.append((left, right))
            default:
                throw TokenizerError.invalidValue(file: json.file, key: "\(mergesJSON.path)[\(index)]", expected: "\"left right\" or [left, right]")
            }
        }
        let unknownID = try unknownID(json, in: vocabulary, default: nil)
        do {
            return try BPEModel(
                vocabulary: vocabulary, merges: merges, unknownID: unknownID,
                fusesUnknown: try json.bool("fuse_unk", default: false), byteFallback: try json.bool("byte_fallback", default: false),
                continuationPrefix: try json.optional("continuing_subword_prefix")?.string(),
                endOfWordSuffix: try json.optional("end_of_word_suffix")?.string(),
                ignoresMerges: try json.bool("ignore_merges", default: false))
        } catch let missing as BPEModel.MissingPiece {
            throw TokenizerError.unknownToken(file: json.file, key: "\(mergesJSON.path)[\(missing.index)]", token: missing.piece)
        }
    }

    /// Reads a Unigram model; `unknownID` replaces the file's `unk_id` when given.
    private static func parseUnigram(_ json: TokenizerJSON, unknownID override: Int? = nil) throws -> UnigramModel {
        let vocabJSON = try json.required("vocab")
        let raw = try vocabJSON.rawArray()
        guard !raw.isEmpty else { throw TokenizerError.emptyVocabulary(file: json.file) }
        var pieces: [(piece: String, score: Double)] = []
        pieces.reserveCapacity(raw.count)
        for (index, entry) in raw.enumerated() {
            guard case let .array(pair) = entry, pair.count == 2, case let .string(piece) = pair[0],
                  case let .number(score) = pair[1]
            else {
                throw TokenizerError.invalidValue(file: json.file, key: "\(vocabJSON.path)[\(index)]", expected: "[piece, score]")
            }
            pieces.append((piece, score))
        }
        let unknownID = try override ?? json.optional("unk_id")?.int()
        if let unknownID, unknownID < 0 || unknownID >= pieces.count {
            throw TokenizerError.invalidValue(file: json.file, key: json.childPath("unk_id"), expected: "an id below \(pieces.count)")
        }
        return UnigramModel(pieces: pieces, unknownID: unknownID, byteFallback: try json.bool("byte_fallback", default: false))
    }

    private static func parseAddedTokens(_ json: TokenizerJSON?) throws -> [AddedToken] {
        guard let json else { return [] }
        return try json.array().map { entry in
            AddedToken(
                content: try entry.required("content").string(), id: try entry.required("id").int(),
                singleWord: try entry.bool("single_word", default: false), leftStrip: try entry.bool("lstrip", default: false),
                rightStrip: try entry.bool("rstrip", default: false), normalized: try entry.bool("normalized", default: false),
                special: try entry.bool("special", default: false))
        }
    }

    // MARK: - vocab.txt

    /// Loads a BERT `vocab.txt` with the options of `tokenizer_config.json`.
    static func load(vocabText file: URL, config: TokenizerJSON?, specialTokensMap: TokenizerJSON?) throws -> any Tokenizer {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw TokenizerError.unreadableFile(file: file, reason: error.localizedDescription)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw TokenizerError.emptyVocabulary(file: file) }

        func special(_ key: String, _ fallback: String) throws -> String {
            if let value = try config?.optional(key) { return try value.tokenContent() }
            if let value = try specialTokensMap?.optional(key) { return try value.tokenContent() }
            return fallback
        }
        let tokens = BertSpecialTokens(
            unknown: try special("unk_token", "[UNK]"), classifier: try special("cls_token", "[CLS]"),
            separator: try special("sep_token", "[SEP]"), padding: try special("pad_token", "[PAD]"),
            mask: try special("mask_token", "[MASK]"))
        let vocabulary = Set(lines)
        for (key, token) in [("unk_token", tokens.unknown), ("cls_token", tokens.classifier), ("sep_token", tokens.separator)]
        where !vocabulary.contains(token) {
            throw TokenizerError.unknownToken(file: file, key: key, token: token)
        }
        return WordPieceTokenizer(
            vocabulary: lines, lowercase: try config?.bool("do_lower_case", default: true) ?? true,
            stripAccents: try config?.optional("strip_accents")?.bool(),
            tokenizeChineseCharacters: try config?.bool("tokenize_chinese_chars", default: true) ?? true,
            specialTokens: tokens)
    }
}
