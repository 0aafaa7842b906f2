/// A `tokenizer.json` whose model is `WordLevel`: its normalizer and pre-tokenizer, then one id per
/// piece.
public struct WordLevelTokenizer: Tokenizer {
    let pipeline: TokenizerPipeline<WordLevelModel>

    init(pipeline: TokenizerPipeline<WordLevelModel>) {
        self.pipeline = pipeline
    }

    public func encode(text: String) -> Encoding { pipeline.encode(text: text) }
    public func encode(words: [String]) -> Encoding { pipeline.encode(words: words) }
    public var vocabularySize: Int { pipeline.idToToken.count }
    public var padID: Int { pipeline.padID }
    public var idRange: ClosedRange<Int> { pipeline.idRange }
    public func id(of token: String) -> Int? { pipeline.id(of: token) }
    public func token(of id: Int) -> String? { pipeline.token(of: id) }
}
