import Foundation
import Kernels

/// What a model is trained to predict: it decides which rows a readout or an edit uses.
public enum PredictionObjective: String, Sendable, Codable, Hashable {
    /// A masked token from both sides (BERT, XLM-R): a word is read at its own subwords.
    case maskedToken
    /// The next token from the left (Gemma, the LSTM): a word is read at its last subword, and what
    /// it makes the model expect shows at the positions after it.
    case nextToken
}

/// A named place where a hidden state can be read or edited, as TransformerLens' hook points:
/// `.residual(3)` is hidden state 3 (the residual stream after block 3; 0 is the embedding output),
/// `.mlp(3)` the inner activation of block 3's MLP after its nonlinearity (the units most neuron
/// papers mean; for an LSTM the gate activations σ(i), σ(f), tanh(g), σ(o)), `.cell(3)` the cell
/// state c of a recurrent block 3 (an LSTM's; `.residual(3)` is its h, what block 4 reads).
public enum ModelSite: Hashable, Sendable, Codable, CustomStringConvertible {
    case residual(Int)
    case mlp(Int)
    case cell(Int)

    /// The block whose run produces the site (0 for the embedding output).
    public var layer: Int {
        switch self {
        case .residual(let layer), .mlp(let layer), .cell(let layer): return layer
        }
    }

    /// The kind of site.
    public var kind: SiteKind {
        switch self {
        case .residual: return .residual
        case .mlp: return .mlp
        case .cell: return .cell
        }
    }

    public var description: String {
        switch self {
        case .residual(let layer): return "residual \(layer)"
        case .mlp(let layer): return "mlp \(layer)"
        case .cell(let layer): return "cell \(layer)"
        }
    }
}

/// Which kind of site a cache or a study reads, at every layer it names.
public enum SiteKind: String, Sendable, Codable, Hashable, CaseIterable {
    /// Hidden states 0…L: the residual stream.
    case residual
    /// Blocks 1…L: the MLP's inner activation after its nonlinearity.
    case mlp
    /// Blocks 1…L of a recurrent model: the cell state.
    case cell

    /// The site of this kind at `layer`.
    public func site(_ layer: Int) -> ModelSite {
        switch self {
        case .residual: return .residual(layer)
        case .mlp: return .mlp(layer)
        case .cell: return .cell(layer)
        }
    }

    /// The layers that have a site of this kind in a model of `layerCount` blocks.
    public func layers(layerCount: Int) -> ClosedRange<Int> { self == .residual ? 0...layerCount : 1...max(1, layerCount) }

    /// Width of a state of this kind in `model`.
    public func width(in model: any LanguageModel) -> Int {
        switch self {
        case .residual, .cell: return model.hiddenSize
        case .mlp: return model.mlpSize
        }
    }
}

/// A change of the state at a site, applied during a run (ablation, translation, a learned mask):
/// it receives the state [tokens, width] and the batch it belongs to.
///
/// Every edit must be **row-local**: the new value of row r depends only on row r's old value and on
/// r (its place in the batch), never on other rows. A recurrent block relies on it: it applies the
/// edit at each time step, handing it the whole [tokens, width] state in which only the rows of that
/// step are current (the others hold values the block ignores), so that the edited h_t is what step
/// t + 1 reads (De Cao et al. intervene at a time step, inside the recurrence).
public typealias SiteEdit = @Sendable (inout Tensor, PackedBatch) -> Void

/// A language model as the engine sees it: every architecture (BERT-family encoders, Gemma 3, …)
/// conforms, and extraction, caching, sweeps and studies use only this.
///
/// A model is a stack: state 0 from a batch (``embed(_:)``), state `l` from state `l − 1`
/// (``applyLayer(_:to:batch:mlp:)``), and logits for chosen rows and vocabulary entries. The run
/// loop (``run(_:from:upTo:edits:visit:)``) is written once, here.
public protocol LanguageModel: Sendable {
    /// The architecture's name (`bert`, `xlm-roberta`, `gemma3`).
    var architecture: String { get }
    /// One line: architecture, size, head.
    var summary: String { get }
    /// Width of the residual stream.
    var hiddenSize: Int { get }
    /// Width of each block's MLP inner activation.
    var mlpSize: Int { get }
    /// Blocks; hidden states are 0…layerCount.
    var layerCount: Int { get }
    /// Longest sequence, special tokens included.
    var maxSequenceLength: Int { get }
    /// Rows of the output head.
    var vocabularySize: Int { get }
    var objective: PredictionObjective { get }
    /// Whether ``logits(_:rows:vocabulary:)`` has a pretrained head to use.
    var hasOutputHead: Bool { get }
    /// The input token embeddings, [vocabularySize, hiddenSize] (what a tied readout head reuses).
    var tokenEmbeddings: Tensor { get }
    /// The epsilon of the model's own normalisations (a fitted readout head's LayerNorm uses it).
    var normEpsilon: Float { get }

    /// Hidden state 0 of a batch. - Returns: [tokens, hidden]
    func embed(_ batch: PackedBatch) -> Tensor
    /// Block `index` (1-based) on hidden state `index − 1`; `mlp`, when given, sees and may change
    /// the block's MLP inner activation [tokens, mlpSize] before the down projection.
    func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, mlp: ((inout Tensor) -> Void)?) -> Tensor
    /// Block `index` with the run's edits at the block's own sites (`.residual(index)`, `.mlp(index)`,
    /// `.cell(index)`), each applied where the block produces that state, and its inner states
    /// (MLP activation, cell state; after their edits) handed to `visitInner` when given.
    ///
    /// The default (a feed-forward block) runs ``applyLayer(_:to:batch:mlp:)`` with the MLP edit in
    /// its hook and applies the `.residual(index)` edit to the output. A recurrent block applies each
    /// edit at every time step (the rule in ``SiteEdit``), so an edit at h_t changes h_{t+1}, … of the
    /// same block, not only what the next block reads.
    /// - Returns: the block's output, hidden state `index`, its edit applied. [tokens, hidden]
    func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, edits: [ModelSite: SiteEdit],
                    visitInner: ((ModelSite, Tensor) -> Void)?) -> Tensor
    /// Whether the blocks are recurrent (their edits act inside the recurrence): a split run that
    /// starts from hidden state l with an edit there changes only what block l + 1 reads, so such a
    /// run starts from state l − 1 to intervene inside block l.
    var isRecurrent: Bool { get }
    /// Output logits for chosen rows of the last hidden state (all when nil) over chosen vocabulary
    /// entries (all when nil); nil without a head. - Returns: [rows, entries]
    func logits(_ lastHidden: Tensor, rows: [Int]?, vocabulary: [Int]?) -> Tensor?
}

extension LanguageModel {
    /// Embeddings plus one state per block.
    public var hiddenStateCount: Int { layerCount + 1 }

    public var isRecurrent: Bool { false }

    /// A feed-forward block: the MLP edit in the block's hook, the residual edit on its output.
    public func applyLayer(_ index: Int, to hidden: Tensor, batch: PackedBatch, edits: [ModelSite: SiteEdit],
                           visitInner: ((ModelSite, Tensor) -> Void)?) -> Tensor {
        precondition(edits[.cell(index)] == nil, "\(architecture) has no cell state; an edit at \(ModelSite.cell(index))")
        let mlpEdit = edits[.mlp(index)]
        var output = applyLayer(index, to: hidden, batch: batch, mlp: mlpEdit != nil || visitInner != nil ? { inner in
            mlpEdit?(&inner, batch)
            visitInner?(.mlp(index), inner)
        } : nil)
        edits[.residual(index)]?(&output, batch)
        return output
    }

    /// The one run loop: from a batch's embedding (or from a given hidden state), through blocks up
    /// to `last`, applying `edits` at their sites and handing every state it passes to `visit`.
    ///
    /// - Parameters:
    ///   - start: begin from this hidden state (a split run: Antverg & Belinkov §4), applying the edit
    ///     at its site first (it is not visited); nil embeds the batch.
    ///   - last: the last hidden state to compute (default: all).
    ///   - edits: changes applied at sites as the run reaches them: each block gets the edits at its
    ///     own sites (``applyLayer(_:to:batch:edits:visitInner:)``) and applies them where it produces
    ///     them (`.residual(l)` before state l is visited and passed on; `.mlp(l)`, `.cell(l)` inside
    ///     block l; a recurrent block at every time step). The edit at a split run's start state is
    ///     applied to that state as given.
    ///   - visitInner: also visit every block's inner states (MLP activation; cell state of a
    ///     recurrent block); blocks with an edit at an inner site are always visited there.
    ///   - visit: called with every residual state computed (after its edit) and the inner states
    ///     (after their edits), each block's inner states before its residual state.
    /// - Returns: the last hidden state.
    @discardableResult
    public func run(_ batch: PackedBatch, from start: (layer: Int, state: Tensor)? = nil, upTo last: Int? = nil,
                    edits: [ModelSite: SiteEdit] = [:], visitInner: Bool = false,
                    visit: (ModelSite, Tensor) -> Void = { _, _ in }) -> Tensor {
        let end = last ?? layerCount
        precondition(end >= 0 && end <= layerCount, "last hidden state \(end) outside 0...\(layerCount)")
        for sequence in 0..<batch.sequenceCount {
            precondition(batch.rows(of: sequence).count <= maxSequenceLength,
                         "sequence \(sequence) has \(batch.rows(of: sequence).count) tokens; at most \(maxSequenceLength)")
        }
        var hidden: Tensor
        let first: Int
        if let start {
            precondition(start.layer >= 0 && start.layer <= end, "start state \(start.layer) outside 0...\(end)")
            precondition(start.state.shape == [batch.tokenCount, hiddenSize],
                         "start state \(start.state.shape) vs [\(batch.tokenCount), \(hiddenSize)]")
            hidden = start.state
            edits[.residual(start.layer)]?(&hidden, batch)
            first = start.layer + 1
        } else {
            hidden = embed(batch)
            edits[.residual(0)]?(&hidden, batch)
            visit(.residual(0), hidden)
            first = 1
        }
        guard first <= end else { return hidden }
        // The inner-state visitor is an optional (so escaping) closure; it never outlives this call.
        return withoutActuallyEscaping(visit) { visit in
            for index in first...end {
                var own: [ModelSite: SiteEdit] = [:]
                for site in [ModelSite.residual(index), .mlp(index), .cell(index)] { own[site] = edits[site] }
                let seesInner = visitInner || own[.mlp(index)] != nil || own[.cell(index)] != nil
                hidden = applyLayer(index, to: hidden, batch: batch, edits: own, visitInner: seesInner ? visit : nil)
                visit(.residual(index), hidden)
            }
            return hidden
        }
    }

    /// Runs the model, handing every hidden state to `visit` as soon as it exists.
    ///
    /// - Parameter visit: called with (hidden-state index, [tokens, hidden]).
    public func forward(_ batch: PackedBatch, upTo last: Int? = nil, visit: (Int, Tensor) -> Void) {
        run(batch, upTo: last) { site, state in
            if case .residual(let layer) = site { visit(layer, state) }
        }
    }

    /// The second half of a split run: blocks `layer + 1 … L` applied to an (edited) hidden state
    /// `layer`. With no edit it equals the full forward pass. - Returns: the last hidden state
    public func continueForward(from layer: Int, hidden: Tensor, batch: PackedBatch) -> Tensor {
        run(batch, from: (layer, hidden))
    }

    /// Every hidden state of a batch. - Returns: `hiddenStateCount` tensors [tokens, hidden]
    public func hiddenStates(_ batch: PackedBatch) -> [Tensor] {
        var states: [Tensor] = []
        forward(batch) { _, hidden in states.append(hidden) }
        return states
    }
}
