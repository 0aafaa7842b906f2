import Foundation
import Models

/// A word vector holding a NaN or an infinity (or a value its storage type cannot hold).
///
/// One NaN weight, an all-infinite embedding or a negative `layer_norm_eps` makes every activation
/// NaN. Extraction refuses to cache such vectors (unless asked to keep them), and probing data
/// refuses to hand them to rankings and probes; either names the site, the file, the sentence and
/// the word.
public struct NonFiniteActivationError: Error, CustomStringConvertible, Equatable {
    /// Where in the model: `.residual(l)` or `.mlp(l)`.
    public var site: ModelSite
    /// The treebank file the sentence came from (its path or name).
    public var file: String
    public var sentenceID: String
    /// 1-based position of the word in its sentence.
    public var word: Int
    /// The neuron (column) holding the first bad value.
    public var neuron: Int
    public var value: Float
    /// The largest magnitude allowed, when a finite value exceeded it (float16 storage).
    public var limit: Float?
    /// The cache the value was read from; nil while extracting.
    public var cache: URL?

    public init(site: ModelSite, file: String, sentenceID: String, word: Int, neuron: Int, value: Float,
                limit: Float? = nil, cache: URL? = nil) {
        self.site = site
        self.file = file
        self.sentenceID = sentenceID
        self.word = word
        self.neuron = neuron
        self.value = value
        self.limit = limit
        self.cache = cache
    }

    public var description: String {
        let place = "\(file): sentence \(sentenceID), word \(word): \(site) neuron \(neuron) is \(value)"
        if value.isFinite, let limit {
            return place + ", beyond float16's ±\(limit); not cached (extract as float32)"
        }
        if let cache {
            return place + " in the cache \(cache.path); rankings and probes need finite activations (extract again without --allow-non-finite)"
        }
        return place + "; not cached (a NaN or infinite weight, or a layer_norm_eps ≤ 0, makes activations non-finite; "
            + "--allow-non-finite keeps them)"
    }

    /// The first (row, column) of a [rows, width] matrix whose value is NaN or of magnitude above
    /// `limit` (infinity counts as above any finite limit); nil when every value is within it.
    package static func firstViolation(_ values: UnsafeBufferPointer<Float>, width: Int, limit: Float = .greatestFiniteMagnitude) -> (row: Int, column: Int)? {
        // A branch-free pass first (the common case: all fine), then the search for the culprit.
        var worst = SIMD8<Float>(repeating: 0)
        var poisoned = SIMD8<Float>(repeating: 0)
        let lanes = values.count / 8 * 8
        var i = 0
        while i < lanes {
            let v = UnsafeRawPointer(values.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
            worst = pointwiseMax(worst, pointwiseMax(v, -v))
            poisoned += v - v   // 0 for finite values, NaN for NaN and ±infinity
            i += 8
        }
        var fine = worst.max() <= limit && poisoned.sum() == 0
        while fine && i < values.count {
            fine = abs(values[i]) <= limit
            i += 1
        }
        if fine { return nil }
        guard let index = values.firstIndex(where: { !(abs($0) <= limit) }) else { return nil }
        return (index / max(width, 1), index % max(width, 1))
    }
}
