import Foundation
import Kernels
import Storage

/// Word vectors by layer and row: what ``ProbingData`` gathers a config's matrices from.
///
/// Two sources conform: the workbench's own cache (``ActivationStore``: rows of the words it
/// extracted) and arrays a user brings (``ImportedActivations``: a `.npy` from PyTorch,
/// TransformerLens, nnsight, …). Rankings, probes, curves and reports only ever see this protocol,
/// so both sources go through one pipeline.
public protocol ActivationRows: Sendable {
    /// Neurons per layer.
    var width: Int { get }
    /// The layers these rows exist for.
    var layers: [Int] { get }
    /// Selected rows (in the given order) of one layer, or all rows when `indices` is nil.
    /// - Returns: [n, width]
    func rows(_ indices: [Int]?, layer: Int) throws -> Tensor
    /// Throws for the first row of `values` (rows `indices` of `layer`, in that order) that holds a
    /// NaN or an infinity, naming where it came from.
    func checkFinite(_ values: Tensor, rows indices: [Int]?, layer: Int) throws
    /// The row of a sentence's first word, or nil when the source has no rows for it.
    func firstRow(fileName: String, sentenceID: String) -> Int?
    /// What makes these vectors (not where they are kept): part of every result cache key.
    var contentKey: [String] { get }
    /// Where the vectors come from, for results' provenance.
    var origin: ActivationOrigin { get }
}

/// The provenance of a source of activations, as results record it.
public struct ActivationOrigin: Sendable, Hashable {
    /// The model folder or file (for a user's arrays: the arrays).
    public var modelPath: String
    /// The model's content hash (for a user's arrays: the arrays' hashes).
    public var modelHash: String
    /// The cache folder or the array file the rows are read from.
    public var location: String

    public init(modelPath: String, modelHash: String, location: String) {
        self.modelPath = modelPath
        self.modelHash = modelHash
        self.location = location
    }
}

extension ActivationStore: ActivationRows {
    /// The model, aggregation, storage type, format and corpus hashes: a wider extraction with the
    /// same layer gives the same key.
    public var contentKey: [String] {
        [manifest.model.contentHash, manifest.aggregation.rawValue, manifest.dtype.rawValue, "\(manifest.format)"]
            + manifest.corpus.map(\.contentHash)
    }

    public var origin: ActivationOrigin {
        ActivationOrigin(modelPath: manifest.model.path, modelHash: manifest.model.contentHash, location: directory.path)
    }
}
