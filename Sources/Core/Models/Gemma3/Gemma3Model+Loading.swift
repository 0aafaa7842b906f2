import Foundation

extension Gemma3Config {
    /// The config of a GGUF file whose `general.architecture` is `gemma3`.
    ///
    /// - Throws: `GGUFError` naming a missing or mistyped key; `CheckpointError.unsupportedArchitecture`
    ///   for another architecture; `.malformedConfig` for sizes that cannot be (checked before any allocation).
    public init(gguf file: GGUFFile) throws {
        let architecture = try file.string("general.architecture")
        guard architecture == "gemma3" else {
            throw CheckpointError.unsupportedArchitecture(file.url, modelType: architecture, supported: ["gemma3"])
        }
        func key(_ name: String) -> String { "gemma3." + name }
        func optionalDouble(_ name: String) throws -> Double? { file.metadata[key(name)] == nil ? nil : try file.double(key(name)) }
        let embedding = try file.info("token_embd.weight")
        let pattern = file.metadata[key("attention.sliding_window_pattern")] == nil ? 6 : try file.int(key("attention.sliding_window_pattern"))
        self.init(hiddenSize: try file.int(key("embedding_length")),
                  layerCount: try file.int(key("block_count")),
                  intermediateSize: try file.int(key("feed_forward_length")),
                  headCount: try file.int(key("attention.head_count")),
                  keyValueHeadCount: try file.int(key("attention.head_count_kv")),
                  headSize: try file.int(key("attention.key_length")),
                  rmsEpsilon: try file.float(key("attention.layer_norm_rms_epsilon")),
                  slidingWindow: try file.int(key("attention.sliding_window")),
                  slidingWindowPattern: pattern,
                  globalRopeBase: try file.double(key("rope.freq_base")),
                  localRopeBase: try optionalDouble("rope.freq_base_swa") ?? 10_000,
                  globalRopeScale: try optionalDouble("rope.scaling.factor") ?? 1,
                  contextLength: try file.int(key("context_length")),
                  vocabularySize: embedding.matrixShape.first ?? 0,
                  finalLogitSoftcap: try optionalDouble("final_logit_softcapping").map(Float.init))
        if file.metadata[key("attention.value_length")] != nil, try file.int(key("attention.value_length")) != headSize {
            throw CheckpointError.unsupportedSetting(file.url, key: key("attention.value_length"),
                                                     value: "\(try file.int(key("attention.value_length"))) (≠ key_length \(headSize))")
        }
        if let problem = problems().first { throw CheckpointError.malformedConfig(file.url, reason: problem) }
        try check(against: file)
    }
}

extension Gemma3Model {
    /// Loads a Gemma 3 GGUF file, every weight dequantised to float32.
    ///
    /// - Throws: `GGUFError` or `CheckpointError` naming the file and the key or tensor; a file with
    ///   tensors the model does not read is refused (`CheckpointError.unexpectedWeights`).
    public static func load(from url: URL) throws -> Gemma3Model {
        let file = try GGUFFile(url: url)
        let config = try Gemma3Config(gguf: file)
        let expected = Set(weightNames(layerCount: config.layerCount))
        let unexpected = file.tensorNames.filter { !expected.contains($0) }
        guard unexpected.isEmpty else { throw CheckpointError.unexpectedWeights(url, keys: unexpected) }
        return try Gemma3Model(config: config, source: url) { name in
            guard file.tensors[name] != nil else { throw CheckpointError.missingWeights(url, keys: [name]) }
            return try file.tensor(name)
        }
    }
}
