/// Typed metadata lookups that name the file and key when the key is missing or of another type.
extension GGUFFile {
    /// The value under `key`.
    ///
    /// - Throws: `GGUFError.missingKey`.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = metadata[key] else { throw GGUFError.missingKey(url, key: key) }
        return value
    }

    /// An integer of any width (`gemma3.block_count`).
    public func int(_ key: String) throws -> Int {
        try typed(key, "an integer that fits in Int") { $0.int }
    }

    /// A FLOAT32 or FLOAT64 (`gemma3.attention.layer_norm_rms_epsilon`).
    public func float(_ key: String) throws -> Float {
        try typed(key, "FLOAT32 or FLOAT64") { $0.float }
    }

    /// A FLOAT32 or FLOAT64 at full precision.
    public func double(_ key: String) throws -> Double {
        try typed(key, "FLOAT32 or FLOAT64") { $0.double }
    }

    public func bool(_ key: String) throws -> Bool {
        try typed(key, "BOOL") { $0.bool }
    }

    public func string(_ key: String) throws -> String {
        try typed(key, "STRING") { $0.string }
    }

    /// An array of strings (`tokenizer.ggml.tokens`).
    public func stringArray(_ key: String) throws -> [String] {
        try typed(key, "ARRAY of STRING") { $0.stringArray }
    }

    /// An array of integers of one width (`tokenizer.ggml.token_type`).
    public func intArray(_ key: String) throws -> [Int] {
        try typed(key, "ARRAY of integers") { $0.intArray }
    }

    /// An array of FLOAT32 or FLOAT64 (`tokenizer.ggml.scores`).
    public func floatArray(_ key: String) throws -> [Float] {
        try typed(key, "ARRAY of FLOAT32") { $0.floatArray }
    }

    private func typed<T>(_ key: String, _ expected: String, _ convert: (GGUFValue) -> T?) throws -> T {
        let value = try value(key)
        guard let converted = convert(value) else {
            throw GGUFError.wrongType(url, key: key, expected: expected, found: value.typeName)
        }
        return converted
    }
}
