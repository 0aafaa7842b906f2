import Foundation
import Models

/// The JSON manifest of one cached extraction: what was run on what, and where every row is.
///
/// Row `r` of every layer array is one syntactic word; a sentence's words are contiguous rows
/// starting at its ``Sentence/firstRow``; sentences follow corpus order, skipped ones left out.
public struct ActivationManifest: Codable, Sendable {
    public static let currentFormat = 1

    public struct Model: Codable, Sendable {
        public var path: String
        public var name: String
        public var contentHash: String
        public var modelType: String
        public var hiddenSize: Int
        public var hiddenStateCount: Int
        /// Memberwise, for the module that writes it.
        package init(path: String, name: String, contentHash: String, modelType: String, hiddenSize: Int, hiddenStateCount: Int) {
            self.path = path
            self.name = name
            self.contentHash = contentHash
            self.modelType = modelType
            self.hiddenSize = hiddenSize
            self.hiddenStateCount = hiddenStateCount
        }
    }
    public struct CorpusFile: Codable, Sendable {
        public var path: String
        public var name: String
        public var contentHash: String
        public var sentenceCount: Int
        public var wordCount: Int
        /// Memberwise, for the module that writes it.
        package init(path: String, name: String, contentHash: String, sentenceCount: Int, wordCount: Int) {
            self.path = path
            self.name = name
            self.contentHash = contentHash
            self.sentenceCount = sentenceCount
            self.wordCount = wordCount
        }
    }
    public struct Sentence: Codable, Sendable {
        /// Index into ``corpus``.
        public var file: Int
        public var id: String
        public var firstRow: Int
        public var wordCount: Int
        public var tokenCount: Int
        /// Memberwise, for the module that writes it.
        package init(file: Int, id: String, firstRow: Int, wordCount: Int, tokenCount: Int) {
            self.file = file
            self.id = id
            self.firstRow = firstRow
            self.wordCount = wordCount
            self.tokenCount = tokenCount
        }
    }
    public struct SkippedSentence: Codable, Sendable {
        public var file: Int
        public var id: String
        public var tokenCount: Int
        public var reason: String
        /// Memberwise, for the module that writes it.
        package init(file: Int, id: String, tokenCount: Int, reason: String) {
            self.file = file
            self.id = id
            self.tokenCount = tokenCount
            self.reason = reason
        }
    }
    public struct LayerArray: Codable, Sendable {
        /// Hidden-state index (0 = embeddings).
        public var layer: Int
        public var file: String
        public var byteCount: Int
        public var contentHash: String
        /// Memberwise, for the module that writes it.
        package init(layer: Int, file: String, byteCount: Int, contentHash: String) {
            self.layer = layer
            self.file = file
            self.byteCount = byteCount
            self.contentHash = contentHash
        }
    }
    public struct Provenance: Codable, Sendable {
        public var created: String
        public var tool: String
        public var seconds: Double
        public var tokenCount: Int
        public var tokensPerSecond: Double
        /// Memberwise, for the module that writes it.
        package init(created: String, tool: String, seconds: Double, tokenCount: Int, tokensPerSecond: Double) {
            self.created = created
            self.tool = tool
            self.seconds = seconds
            self.tokenCount = tokenCount
            self.tokensPerSecond = tokensPerSecond
        }
    }

    public var format: Int
    public var key: String
    public var model: Model
    public var corpus: [CorpusFile]
    public var layers: [Int]
    /// The kind of site the layers are read at; nil (manifests before sites): the residual stream.
    public var site: SiteKind?
    /// Values per row; nil: the model's hidden size (the residual stream).
    public var rowWidth: Int?
    public var aggregation: WordAggregation
    public var dtype: NumpyArrayFile.ScalarType
    public var rowCount: Int
    public var sentences: [Sentence]
    public var skipped: [SkippedSentence]
    /// Words for which the tokenizer produced no token and the unknown token stood in.
    public var substitutedWords: Int
    public var arrays: [LayerArray]
    /// `words.tsv`: sentence id, word index (1-based), form — one line per row.
    public var wordsFile: LayerArray
    public var provenance: Provenance
    /// Whether vectors with NaN or infinite values were kept (`--allow-non-finite`); nil: refused.
    public var allowsNonFinite: Bool? = nil
    /// Memberwise, for the module that writes it.
    package init(format: Int, key: String, model: Model, corpus: [CorpusFile], layers: [Int], site: SiteKind? = nil, rowWidth: Int? = nil, aggregation: WordAggregation, dtype: NumpyArrayFile.ScalarType, rowCount: Int, sentences: [Sentence], skipped: [SkippedSentence], substitutedWords: Int, arrays: [LayerArray], wordsFile: LayerArray, provenance: Provenance, allowsNonFinite: Bool? = nil) {
        self.format = format
        self.key = key
        self.model = model
        self.corpus = corpus
        self.layers = layers
        self.site = site
        self.rowWidth = rowWidth
        self.aggregation = aggregation
        self.dtype = dtype
        self.rowCount = rowCount
        self.sentences = sentences
        self.skipped = skipped
        self.substitutedWords = substitutedWords
        self.arrays = arrays
        self.wordsFile = wordsFile
        self.provenance = provenance
        self.allowsNonFinite = allowsNonFinite
    }
}
