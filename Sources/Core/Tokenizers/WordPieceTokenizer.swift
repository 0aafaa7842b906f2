/// BERT's tokenizer (HF `BertTokenizer`): ``BertNormalizer``, whitespace-and-punctuation
/// pre-tokenization, then WordPiece with `##` continuations; `[CLS] … [SEP]` around the result.
public struct WordPieceTokenizer: Tokenizer {
    let pipeline: TokenizerPipeline<WordPieceModel>

    init(pipeline: TokenizerPipeline<WordPieceModel>) {
        self.pipeline = pipeline
    }

    /// Makes a BERT tokenizer from a vocabulary in id order (the lines of `vocab.txt`).
    ///
    /// - Parameters:
    ///   - vocabulary: token of each id.
    ///   - lowercase: uncased model (`do_lower_case`).
    ///   - stripAccents: strip accents; `nil` follows `lowercase`.
    ///   - tokenizeChineseCharacters: split CJK ideographs into single tokens.
    ///   - specialTokens: unknown, classifier, separator, padding and mask tokens; each must be in
    ///     `vocabulary` except the mask token, which is optional.
    ///   - maxInputCharsPerWord: longer words become the unknown token.
    public init(
        vocabulary: [String], lowercase: Bool = true, stripAccents: Bool? = nil,
        tokenizeChineseCharacters: Bool = true, specialTokens: BertSpecialTokens = BertSpecialTokens(),
        maxInputCharsPerWord: Int = 100
    ) {
        var tokenToID: [String: Int] = [:]
        for (id, token) in vocabulary.enumerated() { tokenToID[token] = id }
        guard let unknownID = tokenToID[specialTokens.unknown], let cls = tokenToID[specialTokens.classifier],
              let sep = tokenToID[specialTokens.separator]
        else {
            preconditionFailure("vocabulary lacks one of \(specialTokens.unknown), \(specialTokens.classifier), \(specialTokens.separator)")
        }
        let model = WordPieceModel(
            entries: vocabulary.enumerated().map { ($1, $0) }, unknownID: unknownID, continuationPrefix: "##",
            maxInputCharsPerWord: maxInputCharsPerWord)
        let normalizer = BertNormalizer(
            cleanText: true, handleChineseCharacters: tokenizeChineseCharacters,
            stripAccents: stripAccents, lowercase: lowercase)
        let added = [specialTokens.padding, specialTokens.unknown, specialTokens.classifier,
                     specialTokens.separator, specialTokens.mask]
            .compactMap { token in tokenToID[token].map { AddedToken(content: token, id: $0) } }
        pipeline = TokenizerPipeline(
            normalizer: .bert(normalizer), preTokenizer: .bert, model: model, addedTokens: added,
            postProcessor: TokenizerPostProcessor(prefix: [cls], suffix: [sep]),
            padID: tokenToID[specialTokens.padding] ?? 0)
    }

    public func encode(text: String) -> Encoding { pipeline.encode(text: text) }
    public func encode(words: [String]) -> Encoding { pipeline.encode(words: words) }
    public var vocabularySize: Int { pipeline.idToToken.count }
    public var padID: Int { pipeline.padID }
    public var idRange: ClosedRange<Int> { pipeline.idRange }
    public func id(of token: String) -> Int? { pipeline.id(of: token) }
    public func token(of id: Int) -> String? { pipeline.token(of: id) }
}
