import Models
extension TokenizedSentence {
    /// Tokenizes pre-split words; a word without any token gets the unknown token so that every
    /// word has a vector (transformers would give it none).
    public init(fileIndex: Int, id: String, words: [String], tokenizer: any Tokenizer) {
        self.fileIndex = fileIndex
        self.id = id
        let encoding = tokenizer.encode(words: words)
        substitutedWords = encoding.wordSpans.filter(\.isEmpty).count
        guard substitutedWords > 0, let first = encoding.wordSpans.first, let last = encoding.wordSpans.last else {
            ids = encoding.ids
            wordSpans = encoding.wordSpans
            return
        }
        let unknown = tokenizer.id(of: "[UNK]") ?? tokenizer.id(of: "<unk>") ?? 0
        var rebuilt = Array(encoding.ids[0..<first.lowerBound])
        var spans: [Range<Int>] = []
        for span in encoding.wordSpans {
            let start = rebuilt.count
            if span.isEmpty { rebuilt.append(unknown) } else { rebuilt.append(contentsOf: encoding.ids[span]) }
            spans.append(start..<rebuilt.count)
        }
        rebuilt.append(contentsOf: encoding.ids[last.upperBound...])
        ids = rebuilt
        wordSpans = spans
    }
}
