import Foundation

/// The shape of a Gemma 3 text model, as GGUF metadata (`gemma3.*`) describes it.
///
/// Every value is read from the file; the defaults are llama.cpp's for keys the real 270M file
/// lacks (every 6th layer global, local RoPE base 10,000, no final logit soft-capping).
public struct Gemma3Config: Sendable, Equatable, Codable {
    /// Width of the residual stream (`embedding_length`, 640 for 270M).
    public var hiddenSize: Int
    /// Decoder blocks (`block_count`).
    public var layerCount: Int
    /// Width of the GeGLU MLP (`feed_forward_length`).
    public var intermediateSize: Int
    /// Query heads (`attention.head_count`).
    public var headCount: Int
    /// Key/value heads shared by groups of query heads (`attention.head_count_kv`).
    public var keyValueHeadCount: Int
    /// Width of one head (`attention.key_length`), independent of `hiddenSize`.
    public var headSize: Int
    /// RMSNorm ε (`attention.layer_norm_rms_epsilon`).
    public var rmsEpsilon: Float
    /// Local layers attend to at most this many positions, themselves included (`attention.sliding_window`).
    public var slidingWindow: Int
    /// Layer `i` (0-based) is global when `(i + 1) % slidingWindowPattern == 0`.
    public var slidingWindowPattern: Int
    /// RoPE base of the global layers (`rope.freq_base`).
    public var globalRopeBase: Double
    /// RoPE base of the local layers.
    public var localRopeBase: Double
    /// Linear RoPE scaling of the global layers (`rope.scaling.factor`; 1 for none).
    public var globalRopeScale: Double
    /// Longest sequence (`context_length`).
    public var contextLength: Int
    /// Vocabulary entries (rows of `token_embd`).
    public var vocabularySize: Int
    /// `cap · tanh(logits / cap)` on the output logits; nil for none (`final_logit_softcapping`).
    public var finalLogitSoftcap: Float?

    public init(hiddenSize: Int, layerCount: Int, intermediateSize: Int, headCount: Int, keyValueHeadCount: Int,
                headSize: Int, rmsEpsilon: Float, slidingWindow: Int, slidingWindowPattern: Int = 6,
                globalRopeBase: Double, localRopeBase: Double = 10_000, globalRopeScale: Double = 1,
                contextLength: Int, vocabularySize: Int, finalLogitSoftcap: Float? = nil) {
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.intermediateSize = intermediateSize
        self.headCount = headCount
        self.keyValueHeadCount = keyValueHeadCount
        self.headSize = headSize
        self.rmsEpsilon = rmsEpsilon
        self.slidingWindow = slidingWindow
        self.slidingWindowPattern = slidingWindowPattern
        self.globalRopeBase = globalRopeBase
        self.localRopeBase = localRopeBase
        self.globalRopeScale = globalRopeScale
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
        self.finalLogitSoftcap = finalLogitSoftcap
    }

    /// Whether block `index` (0-based) attends to every earlier position.
    public func isGlobal(layer index: Int) -> Bool { (index + 1) % slidingWindowPattern == 0 }

    /// Problems that make the shapes impossible, each naming its key (checked before any allocation).
    public func problems() -> [String] {
        var problems: [String] = []
        func positive(_ value: Int, _ key: String, limit: Int = 1 << 20) {
            if value < 1 || value > limit { problems.append("\(key) = \(value) is outside 1…\(limit)") }
        }
        positive(hiddenSize, "embedding_length")
        positive(layerCount, "block_count", limit: 1024)
        positive(intermediateSize, "feed_forward_length")
        positive(headCount, "attention.head_count", limit: 1024)
        positive(keyValueHeadCount, "attention.head_count_kv", limit: 1024)
        positive(headSize, "attention.key_length", limit: 1 << 16)
        positive(slidingWindow, "attention.sliding_window", limit: 1 << 30)
        positive(slidingWindowPattern, "attention.sliding_window_pattern", limit: 1024)
        positive(contextLength, "context_length", limit: 1 << 30)
        positive(vocabularySize, "vocabulary size", limit: 1 << 24)
        if headSize % 2 != 0 { problems.append("attention.key_length = \(headSize) must be even (RoPE pairs)") }
        if keyValueHeadCount > 0, headCount % keyValueHeadCount != 0 {
            problems.append("attention.head_count = \(headCount) is not a multiple of head_count_kv = \(keyValueHeadCount)")
        }
        if !(rmsEpsilon > 0) || !rmsEpsilon.isFinite { problems.append("attention.layer_norm_rms_epsilon = \(rmsEpsilon) must be positive") }
        if !(globalRopeBase > 1) || !globalRopeBase.isFinite { problems.append("rope.freq_base = \(globalRopeBase) must be above 1") }
        if !(localRopeBase > 1) || !localRopeBase.isFinite { problems.append("rope.local base = \(localRopeBase) must be above 1") }
        if !(globalRopeScale > 0) || !globalRopeScale.isFinite { problems.append("rope.scaling.factor = \(globalRopeScale) must be positive") }
        if let cap = finalLogitSoftcap, !(cap > 0) || !cap.isFinite { problems.append("final_logit_softcapping = \(cap) must be positive") }
        return problems
    }
}
