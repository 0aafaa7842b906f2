import Foundation

extension EncoderConfig {
    /// Reads `config.json` of an opened folder and checks every size against the tensor shapes in
    /// the safetensors headers, before anything is allocated: `num_hidden_layers: 1e12` is an error
    /// naming the file and the key, not an 8 TB allocation.
    ///
    /// - Throws: ``CheckpointError/malformedConfig(_:reason:)`` naming config.json and the key.
    public static func load(checkedAgainst folder: CheckpointFolder) throws -> EncoderConfig {
        let config = try load(from: folder.configURL)
        try config.check(against: folder)
        return config
    }

    /// The sizes that must agree with the checkpoint (a size whose tensor is absent is left to the
    /// loader, which names the missing weight).
    func check(against folder: CheckpointFolder) throws {
        var shapes: [String: [Int]] = [:]
        var layerIndices = Set<Int>()
        for name in folder.tensorNames {
            guard case .weight(let own)? = BertCheckpointKeys.meaning(of: name) else { continue }
            if shapes[own] == nil { shapes[own] = folder.shape(of: name) }
            if own.hasPrefix("encoder.layer."), let index = Int(own.dropFirst("encoder.layer.".count).prefix { $0 != "." }) {
                layerIndices.insert(index)
            }
        }
        let weights = folder.weightFiles.count == 1 ? folder.weightFiles[0].url.lastPathComponent : "the checkpoint's shards"
        func mismatch(_ key: String, _ value: Int, _ found: String) -> CheckpointError {
            .malformedConfig(folder.configURL, reason: "\(key) = \(value) does not match \(weights), \(found)")
        }
        func expect(_ key: String, _ value: Int, tensor own: String, dimension: Int, what: String) throws {
            guard let shape = shapes[own], shape.count > dimension, shape[dimension] != value else { return }
            throw mismatch(key, value, "whose \(own) has \(shape[dimension]) \(what)")
        }
        try expect("vocab_size", vocabSize, tensor: "embeddings.word_embeddings.weight", dimension: 0, what: "rows")
        try expect("hidden_size", hiddenSize, tensor: "embeddings.word_embeddings.weight", dimension: 1, what: "columns")
        try expect("max_position_embeddings", maxPositionEmbeddings, tensor: "embeddings.position_embeddings.weight", dimension: 0, what: "rows")
        try expect("type_vocab_size", typeVocabularySize, tensor: "embeddings.token_type_embeddings.weight", dimension: 0, what: "rows")
        try expect("intermediate_size", intermediateSize, tensor: "encoder.layer.0.intermediate.dense.weight", dimension: 0, what: "rows")
        if layerCount != layerIndices.count {
            let held = layerIndices.isEmpty ? "which holds no encoder layers"
                : "which holds \(layerIndices.count) encoder layers (\(layerIndices.min()!)…\(layerIndices.max()!))"
            throw mismatch("num_hidden_layers", layerCount, held)
        }
    }
}
