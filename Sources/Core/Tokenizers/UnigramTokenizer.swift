/// XLM-R's SentencePiece tokenizer as HF runs it: SentencePiece's precompiled normalization,
/// `Metaspace` pre-tokenization (`▁` marks a preceding space), Viterbi over Unigram piece scores;
/// `<s> … </s>` around the result.
public struct UnigramTokenizer: Tokenizer {
    let pipeline: TokenizerPipeline<UnigramModel>

    init(pipeline: TokenizerPipeline<UnigramModel>) {
        self.pipeline = pipeline
    }

    /// Makes a Unigram tokenizer without a normalizer (for small inline vocabularies).
    ///
    /// - Parameters:
    ///   - pieces: `(piece, log-probability)` in id order.
    ///   - unknownID: id of the unknown piece.
    ///   - prefixIDs: special ids put before every sequence (`<s>`).
    ///   - suffixIDs: special ids put after it (`</s>`).
    ///   - padID: padding id.
    public init(pieces: [(String, Double)], unknownID: Int, prefixIDs: [Int] = [], suffixIDs: [Int] = [], padID: Int = 0) {
        precondition(unknownID >= 0 && unknownID < pieces.count, "unknown id \(unknownID) outside 0..<\(pieces.count)")
        let model = UnigramModel(pieces: pieces.map { (piece: $0.0, score: $0.1) }, unknownID: unknownID, byteFallback: false)
        pipeline = TokenizerPipeline(
            normalizer: nil, preTokenizer: .sequence([.whitespaceSplit, .metaspace(Metaspace())]), model: model,
            addedTokens: [], postProcessor: TokenizerPostProcessor(prefix: prefixIDs, suffix: suffixIDs), padID: padID)
    }

    public func encode(text: String) -> Encoding { pipeline.encode(text: text) }
    public func encode(words: [String]) -> Encoding { pipeline.encode(words: words) }
    public var vocabularySize: Int { pipeline.idToToken.count }
    public var padID: Int { pipeline.padID }
    public var idRange: ClosedRange<Int> { pipeline.idRange }
    public func id(of token: String) -> Int? { pipeline.id(of: token) }
    public func token(of id: Int) -> String? { pipeline.token(of: id) }
}
