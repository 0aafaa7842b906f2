/// A `tokenizer.json` whose model is `BPE` (GPT-2, RoBERTa, Llama 3 and most causal models): its
/// normalizer, pre-tokenizer (usually `ByteLevel`) and post-processor, then merges by rank.
public struct BPETokenizer: Tokenizer {
    let pipeline: TokenizerPipeline<BPEModel>

    init(pipeline: TokenizerPipeline<BPEModel>) {
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
