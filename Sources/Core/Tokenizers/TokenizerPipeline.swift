/// HF's tokenization pipeline for one sequence: added tokens are cut out of the raw text, the rest
/// is normalized, pre-tokenized and run through the subword model, and the post-processor adds
/// the special tokens.
struct TokenizerPipeline<Model: SubwordModel>: Sendable {
    let normalizer: TextNormalizer?
    let preTokenizer: PreTokenizer?
    let model: Model
    let postProcessor: TokenizerPostProcessor
    let padID: Int
    /// Token string of every id (added tokens override the model's).
    let idToToken: [String]
    /// Id of every token string (added tokens first, then the model's vocabulary).
    let tokenToID: [String: Int]
    /// Every id the pipeline can produce: the vocabulary, added tokens and the post-processor's ids.
    let idRange: ClosedRange<Int>
    /// Whether pre-tokenization asks if a piece starts the input (Metaspace `first`).
    private let needsOrigin: Bool
    /// Added tokens matched in raw text (`normalized: false`).
    private let rawAddedTokens: AddedTokenMatcher
    /// Added tokens matched in normalized text (`normalized: true`).
    private let normalizedAddedTokens: AddedTokenMatcher

    /// Assembles a pipeline.
    init(
        normalizer: TextNormalizer?, preTokenizer: PreTokenizer?, model: Model,
        addedTokens: [AddedToken], postProcessor: TokenizerPostProcessor, padID: Int
    ) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.padID = padID
        self.needsOrigin = preTokenizer?.usesOrigin ?? false
        // HF gives an added token the model's id for its content when there is one, else the next
        // free id past the vocabulary (the id written in the file is only checked).
        var addedTokens = addedTokens.filter { !$0.content.isEmpty }
        var nextID = model.vocabulary.count
        var seen: [String: Int] = [:]
        for index in addedTokens.indices {
            let content = addedTokens[index].content
            if let id = seen[content] ?? model.tokenToID[content] {
                addedTokens[index].id = id
            } else {
                addedTokens[index].id = nextID
                nextID += 1
            }
            seen[content] = addedTokens[index].id
        }
        let raw = addedTokens.filter { !$0.normalized }
        let normalized = addedTokens.filter(\.normalized)
        rawAddedTokens = AddedTokenMatcher(tokens: raw, patterns: raw.map(\.content))
        normalizedAddedTokens = AddedTokenMatcher(
            tokens: normalized,
            patterns: normalized.map { normalizer?.normalize($0.content) ?? $0.content })
        var idToToken = model.vocabulary
        var tokenToID = model.tokenToID
        for token in addedTokens where token.id >= 0 {
            if token.id >= idToToken.count { idToToken += Array(repeating: "", count: token.id + 1 - idToToken.count) }
            idToToken[token.id] = token.content
            tokenToID[token.content] = token.id
        }
        self.idToToken = idToToken
        self.tokenToID = tokenToID
        let special = postProcessor.prefix + postProcessor.suffix
        idRange = min(0, special.min() ?? 0)...max(idToToken.count - 1, special.max() ?? 0)
    }

    /// Tokenizes running text with special tokens.
    func encode(text: String) -> Encoding {
        var ids = postProcessor.prefix
        appendIDs(of: text, into: &ids)
        ids += postProcessor.suffix
        return Encoding(ids: ids, tokens: tokens(of: ids), wordSpans: [])
    }

    /// Tokenizes each word on its own, with special tokens around the whole, and records spans.
    func encode(words: [String]) -> Encoding {
        var ids = postProcessor.prefix
        ids.reserveCapacity(ids.count + 2 * words.count + postProcessor.suffix.count)
        var spans: [Range<Int>] = []
        spans.reserveCapacity(words.count)
        for word in words {
            let start = ids.count
            appendIDs(of: word, into: &ids)
            spans.append(start..<ids.count)
        }
        ids += postProcessor.suffix
        return Encoding(ids: ids, tokens: tokens(of: ids), wordSpans: spans)
    }

    /// The token strings of ids.
    func tokens(of ids: [Int]) -> [String] {
        ids.map { $0 >= 0 && $0 < idToToken.count ? idToToken[$0] : "" }
    }

    /// Appends the model ids of one sequence (no special tokens).
    func appendIDs(of text: String, into ids: inout [Int]) {
        if text.isEmpty { return }
        var text = text
        let mayMatch = !rawAddedTokens.isEmpty && text.withUTF8 { rawAddedTokens.mayMatch($0) }
        guard mayMatch else {
            appendNormalizedIDs(of: text, atOrigin: true, into: &ids)
            return
        }
        let bytes = Array(text.utf8)
        let segments = bytes.withUnsafeBufferPointer { rawAddedTokens.split($0) }
        for segment in segments {
            switch segment {
            case let .token(id):
                ids.append(id)
            case let .text(range):
                let part = String(decoding: bytes[range], as: UTF8.self)
                appendNormalizedIDs(of: part, atOrigin: range.lowerBound == 0, into: &ids)
            }
        }
    }

    /// Normalizes a stretch of text free of raw added tokens and tokenizes it.
    private func appendNormalizedIDs(of text: String, atOrigin: Bool, into ids: inout [Int]) {
        let normalized = normalizer?.normalize(text) ?? text
        if normalized.isEmpty { return }
        var atOrigin = atOrigin
        if atOrigin, needsOrigin, let normalizer, let first = text.unicodeScalars.first {
            // HF's alignments put the normalized text at offset 0 unless the first character
            // vanished entirely; normalizing it alone approximates that.
            atOrigin = !normalizer.normalize(String(first)).isEmpty
        }
        if normalizedAddedTokens.isEmpty {
            appendModelIDs(PieceBuffer(text: normalized, atOrigin: atOrigin), into: &ids)
            return
        }
        let bytes = Array(normalized.utf8)
        let segments = bytes.withUnsafeBufferPointer { normalizedAddedTokens.split($0) }
        for segment in segments {
            switch segment {
            case let .token(id):
                ids.append(id)
            case let .text(range):
                let part = String(decoding: bytes[range], as: UTF8.self)
                appendModelIDs(PieceBuffer(text: part, atOrigin: atOrigin && range.lowerBound == 0), into: &ids)
            }
        }
    }

    /// Pre-tokenizes and runs the model.
    private func appendModelIDs(_ input: PieceBuffer, into ids: inout [Int]) {
        let pieces = preTokenizer?.apply(input) ?? input
        pieces.bytes.withUnsafeBufferPointer { bytes in
            for range in pieces.ranges where !range.isEmpty {
                model.tokenize(bytes, range, into: &ids)
            }
        }
    }

    /// The id of a token string.
    func id(of token: String) -> Int? { tokenToID[token] }

    /// The string of an id.
    func token(of id: Int) -> String? {
        guard id >= 0, id < idToToken.count, !idToToken[id].isEmpty else { return nil }
        return idToToken[id]
    }
}
