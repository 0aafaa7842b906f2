/// The last stage of a tokenizer: turns one pre-tokenized piece (UTF-8 bytes) into ids.
protocol SubwordModel: Sendable {
    /// Appends the ids of `bytes[range]`.
    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into ids: inout [Int])
    /// Vocabulary strings by id (gaps hold `""`).
    var vocabulary: [String] { get }
    /// Id of each vocabulary string.
    var tokenToID: [String: Int] { get }
}
