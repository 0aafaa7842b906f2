import Foundation
import Kernels

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

/// The pullback of a row-local ``SiteEdit``: from the gradient with respect to the edited state to
/// the gradient with respect to the state before the edit, in place. It is called as its edit is: with
/// the whole [tokens, width] gradient, of which a recurrent block's current step's rows are current.
public typealias SiteEditPullback = @Sendable (inout Tensor, PackedBatch) -> Void

/// What a recurrent block's pullback gives: the gradient at its input and at each of its own sites
/// (each after its edit, the paths through the block's later time steps included).
public struct RecurrentLayerGradients {
    /// [tokens, input]; computed when read (a gradient at the block's own site does not need it).
    public var input: Tensor { inputGradient() }
    private let inputGradient: () -> Tensor
    /// `.residual(l)` (h), `.cell(l)` (c), `.mlp(l)` (the gates). [tokens, width]
    public var sites: [ModelSite: Tensor]

    public init(input: @escaping () -> Tensor, sites: [ModelSite: Tensor]) {
        inputGradient = input
        self.sites = sites
    }
}

/// A differentiable model whose blocks are recurrent (the LSTM): the gradient at a site of block l
/// passes back through block l's later time steps, and through the edits applied at each of them.
public protocol RecurrentDifferentiableLanguageModel: DifferentiableLanguageModel {
    /// Block `index` with the edits at its own sites applied at every time step (as
    /// ``LanguageModel/applyLayer(_:to:batch:edits:visitInner:)``, bit for bit), its states at those
    /// sites (after their edits), and the pullback from the gradient of its output to the gradients
    /// at its input and at its sites (backpropagation through time, through each edit's pullback).
    /// - Precondition: every edit has a pullback in `editPullbacks`.
    func applyRecurrentLayerWithPullback(_ index: Int, to hidden: Tensor, batch: PackedBatch, edits: [ModelSite: SiteEdit],
                                         editPullbacks: [ModelSite: SiteEditPullback])
        -> (output: Tensor, sites: [ModelSite: Tensor], pullback: (Tensor) -> RecurrentLayerGradients)
}

extension RecurrentDifferentiableLanguageModel {
    /// ``DifferentiableLanguageModel/gradient(_:at:edits:editPullbacks:rows:vocabulary:loss:)`` at a
    /// site inside block `site.layer` ≥ 1: the plain loop below the block, the block traced with its
    /// edits, traced blocks above it, then back to the site through the block's recurrence.
    func recurrentGradient(_ batch: PackedBatch, at site: ModelSite, edits: [ModelSite: SiteEdit],
                           editPullbacks: [ModelSite: SiteEditPullback], rows: [Int], vocabulary: [Int]?,
                           loss: LogitLoss) -> SiteGradient {
        let block = site.layer
        for edited in edits.keys {
            precondition(edited.layer <= block, "gradient: an edit at \(edited) lies after the gradient's site \(site)")
            precondition(edited.layer < block || editPullbacks[edited] != nil,
                         "gradient: the edit at \(edited) acts inside the recurrence of block \(block) and needs a pullback")
        }
        var hidden = run(batch, upTo: block - 1, edits: edits)
        var own: [ModelSite: SiteEdit] = [:]
        for kind in SiteKind.allCases { own[kind.site(block)] = edits[kind.site(block)] }
        let (output, states, blockPullback) = applyRecurrentLayerWithPullback(block, to: hidden, batch: batch, edits: own,
                                                                              editPullbacks: editPullbacks)
        hidden = output
        var pullbacks: [LayerPullback] = []
        if block < layerCount {
            for index in (block + 1)...layerCount {
                let (next, pullback) = applyLayerWithPullback(index, to: hidden, batch: batch, mlp: nil)
                pullbacks.append(pullback)
                hidden = next
            }
        }
        let (logits, headPullback) = logitsWithPullback(hidden, rows: rows, vocabulary: vocabulary)
        let (value, logitGradient) = loss(logits)
        var gradient = headPullback(logitGradient)
        for pullback in pullbacks.reversed() { gradient = pullback.toInput(gradient) }
        guard let state = states[site], let siteGradient = blockPullback(gradient).sites[site] else {
            preconditionFailure("gradient: block \(block) of \(architecture) has no site \(site)")
        }
        return SiteGradient(loss: value, logits: logits, state: state, gradient: siteGradient)
    }
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
    /// kept); from the site up, each block keeps its trace for the pullback. In a recurrent model
    /// the site's own block is traced too, with its edits applied at every time step: the gradient
    /// at h_t of block l is the total one, through h_{t+1}, … of block l as well, and it passes back
    /// through the edits of later steps by their `editPullbacks`.
    /// - Parameter start: a hidden state at or below the site to begin from, before any edit at its
    ///   own site (what a caller that already ran the lower blocks for the same batch passes, so that
    ///   they run once); edits below it would be skipped, so there must be none. Not for recurrent models.
    /// - Precondition: no edit after the site (its pullback would be needed); in a recurrent model,
    ///   every edit in the site's block has a pullback; the model has a head.
    public func gradient(_ batch: PackedBatch, at site: ModelSite, from start: (layer: Int, state: Tensor)? = nil,
                         edits: [ModelSite: SiteEdit] = [:],
                         editPullbacks: [ModelSite: SiteEditPullback] = [:], rows: [Int],
                         vocabulary: [Int]?, loss: LogitLoss) -> SiteGradient {
        precondition(hasOutputHead, "gradient: the model has no output head")
        precondition(site.layer >= 0 && site.layer <= layerCount, "gradient: \(site) outside the model's \(layerCount) blocks")
        let mlpLayer: Int? = { if case .mlp(let layer) = site { return layer } else { return nil } }()
        precondition(mlpLayer.map { $0 >= 1 } ?? true, "gradient: \(site): the MLP sites are blocks 1…\(layerCount)")
        if site.layer >= 1, let recurrent = self as? any RecurrentDifferentiableLanguageModel {
            precondition(start == nil, "gradient: a recurrent model's gradient starts from the batch")
            return recurrent.recurrentGradient(batch, at: site, edits: edits, editPullbacks: editPullbacks, rows: rows,
                                               vocabulary: vocabulary, loss: loss)
        }
        precondition(site.kind != .cell, "gradient: \(site): \(architecture) has no cell state")
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
        if let start {
            precondition(start.layer <= firstTraced - 1, "gradient: a start at hidden state \(start.layer) lies above the site \(site)")
            precondition(edits.keys.allSatisfy { $0 == .residual(start.layer) || $0.layer > start.layer },
                         "gradient: an edit below the start state \(start.layer) would be skipped")
        }
        var hidden = run(batch, from: start, upTo: firstTraced - 1, edits: edits)
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
