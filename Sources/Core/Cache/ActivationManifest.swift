import Foundation
import Corpora
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
    }
    public struct CorpusFile: Codable, Sendable {
        public var path: String
        public var name: String
        public var contentHash: String
        public var sentenceCount: Int
        public var wordCount: Int
    }
    public struct Sentence: Codable, Sendable {
        /// Index into ``corpus``.
        public var file: Int
        public var id: String
        public var firstRow: Int
        public var wordCount: Int
        public var tokenCount: Int
    }
    public struct SkippedSentence: Codable, Sendable {
        public var file: Int
        public var id: String
        public var tokenCount: Int
        public var reason: String
    }
    public struct LayerArray: Codable, Sendable {
        /// Hidden-state index (0 = embeddings).
        public var layer: Int
        public var file: String
        public var byteCount: Int
        public var contentHash: String
    }
    public struct Provenance: Codable, Sendable {
        public var created: String
        public var tool: String
        public var seconds: Double
        public var tokenCount: Int
        public var tokensPerSecond: Double
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
}
