import Foundation

/// A block's pullback with its weights frozen: from the gradient of the block's output to the
/// gradient of its input, or to the gradient of its MLP inner activation (after any edit there).
public struct LayerPullback {
    public let toInput: (Tensor) -> Tensor
    public let toMLP: (Tensor) -> Tensor
}

/// A language model whose blocks and head have pullbacks: the gradient of a loss on chosen logits
/// with respect to the hidden state at any site (what Integrated Gradients, attribution and the
/// learned masks of De Cao et al. need). Weights are frozen: only input-side pullbacks.
///
/// Each model writes its pullbacks by hand over the same kernels as its forward pass; the forward
/// half (`applyLayerWithPullback`) runs the model's own forward code with a trace, so it equals
/// ``LanguageModel/applyLayer(_:to:batch:mlp:)`` exactly.
public protocol DifferentiableLanguageModel: LanguageModel {
    /// Block `index` on hidden state `index − 1`, as `applyLayer`, and its pullback.
    func applyLayerWithPullback(_ index: Int, to hidden: Tensor, batch: PackedBatch,
                                mlp: ((inout Tensor) -> Void)?) -> (output: Tensor, pullback: LayerPullback)
    /// Logits for chosen rows and vocabulary entries, as `logits`, and the pullback from their
    /// gradient [rows, entries] to the gradient of the last hidden state [tokens, hidden].
    func logitsWithPullback(_ lastHidden: Tensor, rows: [Int], vocabulary: [Int]?) -> (logits: Tensor, pullback: (Tensor) -> Tensor)
}

/// A scalar loss on logits and its gradient: `(logits [rows, entries]) → (value, ∂value/∂logits)`.
public typealias LogitLoss = (Tensor) -> (value: Float, gradient: Tensor)

/// The loss, the logits and the gradient at one site.
public struct SiteGradient: Sendable {
    public var loss: Float
    /// [rows, entries]
    public var logits: Tensor
    /// The state at the site, after any edit there. [tokens, width]
    public var state: Tensor
    /// ∂loss/∂state. [tokens, width]
    public var gradient: Tensor
}

extension DifferentiableLanguageModel {
    /// The gradient of `loss` on the logits of `rows` (over `vocabulary`) with respect to the state
    /// at `site`, every position at once.
    ///
    /// The run below the site is the plain run loop (edits at or before the site apply, nothing is
    /// kept); from the site up, each block keeps its trace for the pullback.
    /// - Precondition: no edit after the site (its pullback would be needed); the model has a head.
    public func gradient(_ batch: PackedBatch, at site: ModelSite, edits: [ModelSite: SiteEdit] = [:], rows: [Int],
                         vocabulary: [Int]?, loss: LogitLoss) -> SiteGradient {
        precondition(hasOutputHead, "gradient: the model has no output head")
        precondition(site.layer >= 0 && site.layer <= layerCount, "gradient: \(site) outside the model's \(layerCount) blocks")
        let mlpLayer: Int? = { if case .mlp(let layer) = site { return layer } else { return nil } }()
        precondition(mlpLayer.map { $0 >= 1 } ?? true, "gradient: \(site): the MLP sites are blocks 1…\(layerCount)")
        precondition(site.kind != .cell && !isRecurrent, "gradient: \(site): no pullback through a recurrence yet")
        for edited in edits.keys {
            let after: Bool
            switch (edited.kind, site.kind) {
            case (.residual, .mlp): after = edited.layer >= site.layer
            default: after = edited.layer > site.layer
            }
            precondition(!after, "gradient: an edit at \(edited) lies after the gradient's site \(site)")
        }
        // Below the site: the plain loop.
        let firstTraced = mlpLayer ?? (site.layer + 1)
        var hidden = run(batch, upTo: firstTraced - 1, edits: edits)
        var state = hidden
        var pullbacks: [LayerPullback] = []
        if firstTraced <= layerCount {
            for index in firstTraced...layerCount {
                let edit = index == mlpLayer ? edits[.mlp(index)] : nil
                var inner = Tensor(zeros: [0])
                let hook: ((inout Tensor) -> Void)? = index == mlpLayer ? { activation in
                    edit?(&activation, batch)
                    inner = activation
                } : nil
                let (output, pullback) = applyLayerWithPullback(index, to: hidden, batch: batch, mlp: hook)
                if index == mlpLayer { state = inner }
                pullbacks.append(pullback)
                hidden = output
            }
        }
        let (logits, headPullback) = logitsWithPullback(hidden, rows: rows, vocabulary: vocabulary)
        let (value, logitGradient) = loss(logits)
        var gradient = headPullback(logitGradient)
        for (offset, pullback) in pullbacks.enumerated().reversed() {
            let index = firstTraced + offset
            gradient = index == mlpLayer ? pullback.toMLP(gradient) : pullback.toInput(gradient)
        }
        return SiteGradient(loss: value, logits: logits, state: state, gradient: gradient)
    }
}
