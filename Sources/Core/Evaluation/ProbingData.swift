import Foundation
import Corpora
import Kernels

/// One split's word vectors and labels.
public struct LabeledFeatures: Sendable {
    /// [examples, neurons]
    public var features: Tensor
    public var labels: [Int]
    public var count: Int { labels.count }
}

/// The matrices of one probing config: an attribute dataset's train/dev/test words, looked up in a
/// source of activations (the cache, or a user's `.npy`; see ``ActivationRows``) at one layer (or
/// several layers side by side, Durrani's "all layers").
public struct ProbingData: Sendable {
    public var train: LabeledFeatures
    public var dev: LabeledFeatures
    public var test: LabeledFeatures
    public var labelNames: [String]
    /// The hidden states the neurons come from, in column order.
    public var layers: [Int]
    /// Neurons per layer.
    public var layerWidth: Int
    /// Examples that could not be aligned because their sentence was not extracted (too long).
    public var droppedExamples: Int

    /// The examples of one split.
    public subscript(split: DataSplit) -> LabeledFeatures { PerSplit(train: train, dev: dev, test: test)[split] }

    public var classCount: Int { labelNames.count }
    public var neuronCount: Int { train.features.columns }

    /// Which layer and which neuron within it a column is.
    public func location(ofNeuron column: Int) -> (layer: Int, neuron: Int) {
        (layers[column / layerWidth], column % layerWidth)
    }

    public init(train: LabeledFeatures, dev: LabeledFeatures, test: LabeledFeatures, labelNames: [String],
                layers: [Int], layerWidth: Int, droppedExamples: Int = 0) {
        self.train = train
        self.dev = dev
        self.test = test
        self.labelNames = labelNames
        self.layers = layers
        self.layerWidth = layerWidth
        self.droppedExamples = droppedExamples
    }

    /// Gathers the rows of every split from a source of activations.
    ///
    /// - Throws: the source's error when a row holds a NaN or an infinity (``NonFiniteActivationError``
    ///   for a cache built with `--allow-non-finite`, ``ActivationImportError/nonFinite(array:row:neuron:value:)``
    ///   for a user's array), so that no ranking or probe sees one.
    public static func load(store: any ActivationRows, dataset: AttributeDataset, layers: [Int]) throws -> ProbingData {
        var splits: [LabeledFeatures] = []
        var dropped = 0
        for split in [DataSplit.train, .dev, .test] {
            let aligned = dataset.rows(for: split) { store.firstRow(fileName: $0, sentenceID: $1) }
            dropped += aligned.droppedForSkippedSentences
            let parts = try layers.map { layer in
                let part = try store.rows(aligned.rows, layer: layer)
                try store.checkFinite(part, rows: aligned.rows, layer: layer)   // rankings and probes need finite values
                return part
            }
            splits.append(LabeledFeatures(features: parts.count == 1 ? parts[0] : .concatenatingColumns(parts), labels: aligned.labels))
        }
        return ProbingData(train: splits[0], dev: splits[1], test: splits[2], labelNames: dataset.labels,
                           layers: layers, layerWidth: store.width, droppedExamples: dropped)
    }

    /// The same data with other labels on every split (a control task).
    public func relabeled(train: [Int], dev: [Int], test: [Int], labelNames: [String]) -> ProbingData {
        var copy = self
        copy.train.labels = train
        copy.dev.labels = dev
        copy.test.labels = test
        copy.labelNames = labelNames
        return copy
    }
}
