/// A SentencePiece BPE tokenizer given as a GGUF file gives it (`tokenizer.ggml.model = llama`:
/// pieces, scores and token types, no merges list), run as transformers runs the tokenizer it
/// builds from that file (Gemma 3 among others).
///
/// transformers (`integrations/gguf/gguf_tokenizer_mapping.py`) turns the pieces into a `tokenizers`
/// BPE with byte fallback whose merges are every split of a piece into two pieces; the text has its
/// spaces replaced by `▁` (no pre-tokenizer split), control pieces (type 3) are matched whole as
/// special tokens and user-defined ones (type 4) as added tokens, both in the raw text, before the
/// rest goes through BPE; `<bos>` goes in front when the file says so.
public struct SentencePieceBPETokenizer: Tokenizer {
    /// GGUF's token types (`tokenizer.ggml.token_type`, llama.cpp's `llama_token_type`).
    public enum TokenType: Int32, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// How merges are ranked, which is how transformers' GGUF converter ranks them.
    public enum MergeRanking: Sendable, Equatable {
        /// By the position of the merged piece in the vocabulary (earlier first), and pieces made only
        /// of spaces are respelled as runs of `▁`: transformers' `gemma_tokenizer`, for the
        /// architectures `gemma`, `gemma2`, `gemma3` (their scores do not follow the merge order).
        case pieceOrder
        /// By the merged piece's score (higher first): transformers' plain SentencePiece conversion,
        /// and llama.cpp's SPM tokenizer. Not checked against a reference file here.
        case score

        /// The ranking transformers picks for a GGUF `general.architecture`.
        public static func forArchitecture(_ architecture: String) -> MergeRanking {
            ["gemma", "gemma2", "gemma3"].contains(architecture) ? .pieceOrder : .score
        }
    }

    let pipeline: TokenizerPipeline<SentencePieceBPEModel>
    /// The id put in front of every sequence, when ``addsBOS``.
    public let bosID: Int?
    /// The end-of-sequence id.
    public let eosID: Int?
    /// The unknown id.
    public let unknownID: Int
    /// Whether `<bos>` starts every sequence (`tokenizer.ggml.add_bos_token`).
    public let addsBOS: Bool
    /// Whether `<eos>` ends every sequence (`tokenizer.ggml.add_eos_token`).
    public let addsEOS: Bool
    /// Whether a space is put in front of the text (`tokenizer.ggml.add_space_prefix`; llama.cpp's
    /// convention, which transformers does not apply to Gemma).
    public let addsSpacePrefix: Bool

    /// Makes a tokenizer from the values a GGUF file stores under `tokenizer.ggml.*`.
    ///
    /// - Parameters:
    ///   - pieces: `tokens`, in id order.
    ///   - scores: `scores`, one per piece (used when `ranking` is `.score`).
    ///   - tokenTypes: `token_type`, one per piece (see ``TokenType``).
    ///   - bosID: `bos_token_id`.
    ///   - eosID: `eos_token_id`.
    ///   - unknownID: `unknown_token_id`.
    ///   - padID: `padding_token_id` (else the end-of-sequence id, else 0).
    ///   - addBOS: `add_bos_token`.
    ///   - addEOS: `add_eos_token`.
    ///   - addSpacePrefix: `add_space_prefix`.
    ///   - ranking: how merges are ranked (``MergeRanking/forArchitecture(_:)``).
    public init(
        pieces: [String], scores: [Float], tokenTypes: [Int32],
        bosID: Int?, eosID: Int?, unknownID: Int, padID: Int?,
        addBOS: Bool, addEOS: Bool = false, addSpacePrefix: Bool, ranking: MergeRanking
    ) {
        precondition(!pieces.isEmpty, "no pieces")
        precondition(scores.count == pieces.count, "\(scores.count) scores for \(pieces.count) pieces")
        precondition(tokenTypes.count == pieces.count, "\(tokenTypes.count) token types for \(pieces.count) pieces")
        for (name, id) in [("bos", bosID), ("eos", eosID), ("unknown", unknownID), ("pad", padID)] {
            if let id { precondition(id >= 0 && id < pieces.count, "\(name) id \(id) outside 0..<\(pieces.count)") }
        }
        precondition(!addBOS || bosID != nil, "addBOS without a bos id")
        precondition(!addEOS || eosID != nil, "addEOS without an eos id")
        let spelled = ranking == .pieceOrder ? pieces.map(Self.respellingBlank) : pieces
        let model = SentencePieceBPEModel(pieces: spelled, rankByScore: ranking == .score ? scores : nil, unknownID: unknownID)
        var added: [AddedToken] = []
        for (id, type) in tokenTypes.enumerated() where type == TokenType.control.rawValue {
            added.append(AddedToken(content: pieces[id], id: id, normalized: false, special: true))
        }
        let controls = Set(added.map(\.content))
        for (id, type) in tokenTypes.enumerated() where type == TokenType.userDefined.rawValue {
            // transformers adds a user-defined piece only if its text is still in the vocabulary
            // (a respelled blank piece is not).
            if model.exactID(of: pieces[id]) != nil || controls.contains(pieces[id]) {
                added.append(AddedToken(content: pieces[id], id: id, normalized: false, special: false))
            }
        }
        pipeline = TokenizerPipeline(
            normalizer: .replace(TextReplacement(literal: " ", content: "\u{2581}")), preTokenizer: nil, model: model,
            addedTokens: added,
            postProcessor: TokenizerPostProcessor(prefix: addBOS ? [bosID!] : [], suffix: addEOS ? [eosID!] : []),
            padID: padID ?? eosID ?? 0)
        self.bosID = bosID
        self.eosID = eosID
        self.unknownID = unknownID
        addsBOS = addBOS
        addsEOS = addEOS
        addsSpacePrefix = addSpacePrefix
    }

    /// A piece made only of whitespace with at least one space becomes as many `▁` as it has
    /// characters (transformers' `gemma_tokenizer`: `" " in t and not t.strip()`).
    static func respellingBlank(_ piece: String) -> String {
        let scalars = piece.unicodeScalars
        guard scalars.contains(" "), scalars.allSatisfy(isPythonWhitespace) else { return piece }
        return String(repeating: "\u{2581}", count: scalars.count)
    }

    /// Python's `str.isspace` for one scalar: White_Space plus the separators U+001C…U+001F.
    private static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    /// Tokenizes running text, `<bos>` in front when ``addsBOS`` (`tokenizer(text)` in transformers).
    public func encode(text: String) -> Encoding {
        var ids = pipeline.postProcessor.prefix
        pipeline.appendIDs(of: addsSpacePrefix && !text.isEmpty ? " " + text : text, into: &ids)
        ids += pipeline.postProcessor.suffix
        return Encoding(ids: ids, tokens: pipeline.tokens(of: ids), wordSpans: [])
    }

    /// Tokenizes words as a causal LM reads them, as running text: every word but the first keeps
    /// the space before it, so its tokens carry the `▁` (`[bos] + Σ encode(" " + word)`); records
    /// each word's span.
    public func encode(words: [String]) -> Encoding {
        var ids = pipeline.postProcessor.prefix
        var spans: [Range<Int>] = []
        spans.reserveCapacity(words.count)
        for (index, word) in words.enumerated() {
            let start = ids.count
            let spaced = index > 0 || addsSpacePrefix
            pipeline.appendIDs(of: spaced ? " " + word : word, into: &ids)
            spans.append(start..<ids.count)
        }
        ids += pipeline.postProcessor.suffix
        return Encoding(ids: ids, tokens: pipeline.tokens(of: ids), wordSpans: spans)
    }

    public var vocabularySize: Int { pipeline.idToToken.count }
    public var padID: Int { pipeline.padID }
    public var idRange: ClosedRange<Int> { pipeline.idRange }
    public func id(of token: String) -> Int? { pipeline.id(of: token) }
    public func token(of id: Int) -> String? { pipeline.token(of: id) }
}
