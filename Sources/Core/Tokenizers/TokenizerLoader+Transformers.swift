/// What transformers 5 does on top of `tokenizer.json`.
///
/// `AutoTokenizer.from_pretrained` instantiates the class named by `tokenizer_config.json`'s
/// `tokenizer_class`, and for `BertTokenizer` and `XLMRobertaTokenizer` that class rebuilds the
/// pipeline from the config, keeping only the vocabulary (and the charsmap) of `tokenizer.json`:
/// its normalizer, pre-tokenizer and post-processor are ignored. Since ids must equal what
/// transformers gives, the loader rebuilds them the same way.
extension TokenizerLoader {
    /// A tokenizer class whose pipeline transformers 5 rebuilds.
    enum TransformersClass: Equatable {
        /// `BertTokenizer`: BertNormalizer from `do_lower_case`, `strip_accents`,
        /// `tokenize_chinese_chars`; BertPreTokenizer; `[CLS] $A [SEP]`.
        case bert
        /// `XLMRobertaTokenizer`: the file's Precompiled charsmap alone;
        /// WhitespaceSplit + Metaspace (`add_prefix_space`); `<s> $A </s>`; `unk_id` 3.
        case xlmRoberta

        /// The class named in `tokenizer_config.json`, if it is one of these.
        init?(config: TokenizerJSON?) throws {
            guard let name = try config?.optional("tokenizer_class")?.string() else { return nil }
            switch name {
            case "BertTokenizer", "BertTokenizerFast": self = .bert
            case "XLMRobertaTokenizer", "XLMRobertaTokenizerFast": self = .xlmRoberta
            default: return nil
            }
        }
    }

    /// The unknown id transformers' `XLMRobertaTokenizer` hard-codes (fairseq layout).
    static let xlmRobertaUnknownID = 3

    /// The id of a configured special token, looked up among the added tokens, then the vocabulary.
    private static func specialID(
        _ key: String, default defaultToken: String, config: TokenizerJSON, vocabulary: [String: Int], addedTokens: [AddedToken]
    ) throws -> Int {
        let token = try config.optional(key)?.tokenContent() ?? defaultToken
        if let id = vocabulary[token] ?? addedTokens.first(where: { $0.content == token })?.id { return id }
        throw TokenizerError.unknownToken(file: config.file, key: key, token: token)
    }

    /// The BERT pipeline as `transformers.BertTokenizer` builds it.
    static func bertPipeline(
        config: TokenizerJSON, model: WordPieceModel, addedTokens: [AddedToken]
    ) throws -> (TextNormalizer?, PreTokenizer?, TokenizerPostProcessor) {
        let normalizer = BertNormalizer(
            cleanText: true,
            handleChineseCharacters: try config.bool("tokenize_chinese_chars", default: true),
            stripAccents: try config.optional("strip_accents")?.bool(),
            lowercase: try config.bool("do_lower_case", default: true))
        let cls = try specialID("cls_token", default: "[CLS]", config: config, vocabulary: model.tokenToID, addedTokens: addedTokens)
        let sep = try specialID("sep_token", default: "[SEP]", config: config, vocabulary: model.tokenToID, addedTokens: addedTokens)
        return (.bert(normalizer), .bert, TokenizerPostProcessor(prefix: [cls], suffix: [sep]))
    }

    /// The XLM-R pipeline as `transformers.XLMRobertaTokenizer` builds it.
    static func xlmRobertaPipeline(
        config: TokenizerJSON, fileNormalizer: TextNormalizer?, model: UnigramModel, addedTokens: [AddedToken]
    ) throws -> (TextNormalizer?, PreTokenizer?, TokenizerPostProcessor) {
        let scheme: Metaspace.PrependScheme = try config.bool("add_prefix_space", default: true) ? .always : .never
        let preTokenizer = PreTokenizer.sequence([.whitespaceSplit, .metaspace(Metaspace(prependScheme: scheme))])
        let bos = try specialID("bos_token", default: "<s>", config: config, vocabulary: model.tokenToID, addedTokens: addedTokens)
        let eos = try specialID("eos_token", default: "</s>", config: config, vocabulary: model.tokenToID, addedTokens: addedTokens)
        return (fileNormalizer?.precompiledPart, preTokenizer, TokenizerPostProcessor(prefix: [bos], suffix: [eos]))
    }
}

extension TextNormalizer {
    /// The first `Precompiled` normalizer in this one (itself or inside a `Sequence`), as a
    /// normalizer on its own.
    var precompiledPart: TextNormalizer? {
        switch self {
        case .precompiled: return self
        case let .sequence(steps): return steps.lazy.compactMap(\.precompiledPart).first
        default: return nil
        }
    }
}
