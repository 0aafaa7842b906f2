import Foundation
import Support

/// A tiny Gemma 3 with seeded random weights, written as a GGUF file: what the tests run the
/// decoder on, and what `scripts/make-decoder-fixtures` hands to transformers for the reference
/// outputs, so that no model file is kept in the repository (`workbench tiny-model` writes it).
///
/// Its shape exercises what the real model has and a tiny one easily lacks: 7 blocks with global
/// attention at block 5 and a sliding window of 6 elsewhere, grouped-query attention 2:1, a
/// head size (256) wider than the 32-wide residual stream, weights stored in every format the
/// loader meets (Q8_0, Q5_0, Q4_1, F16, BF16, F32 by block), norms stored as llama.cpp stores them
/// (1 + w), and a SentencePiece vocabulary of 300 entries with byte fallback.
public enum TinyGemma3 {
    /// The seed of the committed reference outputs (`Tests/CoreTests/Fixtures/expected/gemma3-tiny*`).
    public static let referenceSeed: UInt64 = 20_261_203

    /// The file's bytes: the same seed gives the same bytes on every machine.
    public static func bytes(seed: UInt64 = referenceSeed) throws -> [UInt8] {
        var random = SplitMix64(seed: seed)
        return try writer(random: &random).bytes()
    }

    /// Writes the file atomically.
    public static func write(to url: URL, seed: UInt64 = referenceSeed) throws {
        try Data(try bytes(seed: seed)).write(to: url, options: .atomic)
    }

    /// Writes the file under the temporary folder (`neuron-workbench/gemma3-tiny-<seed>/model.gguf`,
    /// atomically, so processes writing it at once all leave the same whole file) and returns its URL.
    public static func temporaryFile(seed: UInt64 = referenceSeed) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("neuron-workbench/gemma3-tiny-\(seed)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("model.gguf")
        try write(to: url, seed: seed)
        return url
    }

    static let hidden = 32, layers = 7, feedForward = 256, heads = 2, keyValueHeads = 1, headSize = 256, window = 6

    static func writer(random: inout SplitMix64) throws -> GGUFWriter {
        let (tokens, scores, types) = vocabulary()
        var writer = GGUFWriter(architecture: "gemma3")
        writer.add("gemma3.context_length", .uint32(64))
        writer.add("gemma3.embedding_length", .uint32(UInt32(hidden)))
        writer.add("gemma3.block_count", .uint32(UInt32(layers)))
        writer.add("gemma3.feed_forward_length", .uint32(UInt32(feedForward)))
        writer.add("gemma3.attention.head_count", .uint32(UInt32(heads)))
        writer.add("gemma3.attention.head_count_kv", .uint32(UInt32(keyValueHeads)))
        writer.add("gemma3.attention.key_length", .uint32(UInt32(headSize)))
        writer.add("gemma3.attention.value_length", .uint32(UInt32(headSize)))
        writer.add("gemma3.attention.layer_norm_rms_epsilon", .float32(1e-6))
        writer.add("gemma3.attention.sliding_window", .uint32(UInt32(window)))
        writer.add("gemma3.rope.freq_base", .float32(1_000_000))
        writer.add("tokenizer.ggml.model", .string("llama"))
        writer.add("tokenizer.ggml.tokens", .array(.string, tokens.map { .string($0) }))
        writer.add("tokenizer.ggml.scores", .array(.float32, scores.map { .float32($0) }))
        writer.add("tokenizer.ggml.token_type", .array(.int32, types.map { .int32($0) }))
        writer.add("tokenizer.ggml.bos_token_id", .uint32(2))
        writer.add("tokenizer.ggml.eos_token_id", .uint32(1))
        writer.add("tokenizer.ggml.unknown_token_id", .uint32(3))
        writer.add("tokenizer.ggml.padding_token_id", .uint32(0))
        writer.add("tokenizer.ggml.add_bos_token", .bool(true))
        writer.add("tokenizer.ggml.add_eos_token", .bool(false))
        writer.add("tokenizer.ggml.add_space_prefix", .bool(false))

        func normal(_ shape: [Int], scale: Float) -> [Float] {
            (0..<shape.reduce(1, *)).map { _ in Float(gaussian(&random)) * scale }
        }
        func norm(_ size: Int) -> [Float] { normal([size], scale: 0.2).map { 1 + $0 } }  // stored as 1 + w

        try writer.addTensor("token_embd.weight", shape: [tokens.count, hidden], values: normal([tokens.count, hidden], scale: 0.5), as: .q8_0)
        try writer.addTensor("output_norm.weight", shape: [hidden], values: norm(hidden), as: .f32)
        let formats: [GGMLType] = [.q8_0, .q5_0, .q4_1, .f16, .bf16, .f32, .q8_0]
        for block in 0..<layers {
            let format = formats[block], p = "blk.\(block)."
            let query = [heads * headSize, hidden], keyValue = [keyValueHeads * headSize, hidden]
            try writer.addTensor(p + "attn_norm.weight", shape: [hidden], values: norm(hidden), as: .f32)
            try writer.addTensor(p + "attn_q.weight", shape: query, values: normal(query, scale: 0.3), as: format)
            try writer.addTensor(p + "attn_k.weight", shape: keyValue, values: normal(keyValue, scale: 0.3), as: format)
            try writer.addTensor(p + "attn_v.weight", shape: keyValue, values: normal(keyValue, scale: 0.3), as: format)
            try writer.addTensor(p + "attn_q_norm.weight", shape: [headSize], values: norm(headSize), as: .f32)
            try writer.addTensor(p + "attn_k_norm.weight", shape: [headSize], values: norm(headSize), as: .f32)
            try writer.addTensor(p + "attn_output.weight", shape: [hidden, heads * headSize], values: normal([hidden, heads * headSize], scale: 0.05), as: format)
            try writer.addTensor(p + "post_attention_norm.weight", shape: [hidden], values: norm(hidden), as: .f32)
            try writer.addTensor(p + "ffn_norm.weight", shape: [hidden], values: norm(hidden), as: .f32)
            try writer.addTensor(p + "ffn_gate.weight", shape: [feedForward, hidden], values: normal([feedForward, hidden], scale: 0.3), as: format)
            try writer.addTensor(p + "ffn_up.weight", shape: [feedForward, hidden], values: normal([feedForward, hidden], scale: 0.3), as: format)
            try writer.addTensor(p + "ffn_down.weight", shape: [hidden, feedForward], values: normal([hidden, feedForward], scale: 0.08), as: format)
            try writer.addTensor(p + "post_ffw_norm.weight", shape: [hidden], values: norm(hidden), as: .f32)
        }
        return writer
    }

    /// A standard normal draw (Box–Muller on two uniforms; the first uniform kept away from 0).
    static func gaussian(_ random: inout SplitMix64) -> Double {
        let u = 1 - random.nextUnitDouble(), v = random.nextUnitDouble()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }

    /// `<pad>`, `<eos>`, `<bos>`, `<unk>`, the 256 byte tokens, then 40 pieces ranked by score
    /// (token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte).
    static func vocabulary() -> (tokens: [String], scores: [Float], types: [Int32]) {
        var tokens = ["<pad>", "<eos>", "<bos>", "<unk>"]
        var types: [Int32] = [3, 3, 3, 2]
        var scores: [Float] = [0, 0, 0, 0]
        for byte in 0..<256 {
            tokens.append("<0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) + ">")
            types.append(6)
            scores.append(0)
        }
        let pieces = ["▁", "e", "t", "a", "o", "h", "s", "r", "n", "i", "▁t", "he", "▁the", "▁a", "ke", "ys", "▁keys",
                      "▁to", "▁ca", "bi", "net", "▁cabinet", "▁are", "▁is", "▁The", "▁k", "ey", "▁c", "ab", "in",
                      "ar", "re", "▁ar", "▁i", "st", "▁s", "er", "on", "le", "<start_of_turn>"]
        for (rank, piece) in pieces.enumerated() {
            tokens.append(piece)
            types.append(piece.hasPrefix("<") ? 4 : 1)
            scores.append(-Float(rank))
        }
        return (tokens, scores, types)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
