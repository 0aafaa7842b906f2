import Foundation

extension Gemma3Config {
    /// Checks the metadata's sizes against the file's tensor table, before anything is allocated:
    /// a `block_count` or width the tensors do not have is an error naming the file and the key.
    ///
    /// - Throws: ``CheckpointError/malformedConfig(_:reason:)`` naming the GGUF file and the key.
    func check(against file: GGUFFile) throws {
        func mismatch(_ key: String, _ value: Int, _ found: String) -> CheckpointError {
            .malformedConfig(file.url, reason: "gemma3.\(key) = \(value) does not match the tensor table, \(found)")
        }
        var blocks = Set<Int>()
        for name in file.tensorNames where name.hasPrefix("blk.") {
            if let index = Int(name.dropFirst(4).prefix { $0 != "." }) { blocks.insert(index) }
        }
        if blocks.count != layerCount {
            throw mismatch("block_count", layerCount, blocks.isEmpty ? "which has no blocks"
                           : "which has \(blocks.count) blocks (blk.\(blocks.min()!)…blk.\(blocks.max()!))")
        }
        /// A matrix's row-major [rows, columns] from the table (nil when absent: the loader names it).
        func matrix(_ name: String) -> [Int]? { file.tensors[name].map(\.matrixShape) }
        func expect(_ key: String, _ value: Int, _ tensor: String, dimension: Int, _ what: String) throws {
            guard let shape = matrix(tensor), shape[dimension] != value else { return }
            throw mismatch(key, value, "whose \(tensor) has \(shape[dimension]) \(what)")
        }
        try expect("embedding_length", hiddenSize, "token_embd.weight", dimension: 1, "columns")
        try expect("feed_forward_length", intermediateSize, "blk.0.ffn_gate.weight", dimension: 0, "rows")
        try expect("attention.head_count × attention.key_length", headCount * headSize, "blk.0.attn_q.weight", dimension: 0, "rows")
        try expect("attention.head_count_kv × attention.key_length", keyValueHeadCount * headSize, "blk.0.attn_k.weight", dimension: 0, "rows")
    }
}
