import Foundation

/// The `config.json` of a word-level LSTM language model (Gulordava et al. 2018's `RNNModel`: word
/// embedding → stacked `nn.LSTM` → untied linear decoder over the word vocabulary), as written by
/// `scripts/convert-gulordava-lstm.py`:
///
/// ```json
/// {"model_type": "lstm-lm", "vocab_size": 50001, "embedding_size": 650, "hidden_size": 650, "num_layers": 2}
/// ```
///
/// The folder also holds `model.safetensors` (PyTorch's state-dict names: `encoder.weight`,
/// `rnn.weight_ih_l{k}`, `rnn.weight_hh_l{k}`, `rnn.bias_ih_l{k}`, `rnn.bias_hh_l{k}`,
/// `decoder.weight`, `decoder.bias`; gates stacked i, f, g, o) and `vocab.txt` (one word per line,
/// line n is id n − 1, `<unk>` and `<eos>` among them).
public struct LSTMConfig: Decodable, Sendable, Equatable {
    public var modelType: String
    public var vocabSize: Int
    public var embeddingSize: Int
    public var hiddenSize: Int
    public var layerCount: Int

    /// Memberwise, for the trainer that makes a new model.
    package init(modelType: String, vocabSize: Int, embeddingSize: Int, hiddenSize: Int, layerCount: Int) {
        self.modelType = modelType
        self.vocabSize = vocabSize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
    }

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case vocabSize = "vocab_size"
        case embeddingSize = "embedding_size"
        case hiddenSize = "hidden_size"
        case layerCount = "num_layers"
    }

    /// The `model_type` that marks a folder as an LSTM language model.
    public static let modelTypeName = "lstm-lm"

    /// Whether a `config.json` names this architecture (read without validating the rest).
    static func declaresLSTM(_ url: URL) -> Bool {
        guard let data = try? Data(contentsOf: url),
              let kind = try? JSONDecoder().decode(EncoderConfig.ModelKind.self, from: data) else { return false }
        return kind.modelType == modelTypeName
    }

    /// Reads and validates `config.json`; errors name the file and the key.
    public static func load(from url: URL) throws -> LSTMConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw CheckpointError.missingFile(url) }
        let json: JSONValue
        do { json = try JSONValue.parse([UInt8](data)) } catch {
            throw CheckpointError.malformedConfig(url, reason: "not valid JSON (\(error))")
        }
        guard case .object(let object) = json else { throw CheckpointError.malformedConfig(url, reason: "not a JSON object") }
        for key in [CodingKeys.vocabSize, .embeddingSize, .hiddenSize, .layerCount].map(\.rawValue) {
            if let value = object[key], case .number(let number) = value, value.integer == nil {
                throw CheckpointError.malformedConfig(url, reason: "key \(key) must be an integer, got \(number)")
            }
        }
        let config: LSTMConfig
        do { config = try JSONDecoder().decode(LSTMConfig.self, from: data) } catch let error as DecodingError {
            throw CheckpointError.malformedConfig(url, reason: EncoderConfig.explain(error))
        } catch {
            throw CheckpointError.malformedConfig(url, reason: "not valid JSON")
        }
        try config.validate(url)
        return config
    }

    /// Reads `config.json` of an opened folder and checks every size against the tensor shapes in
    /// the safetensors header before anything is allocated.
    public static func load(checkedAgainst folder: CheckpointFolder) throws -> LSTMConfig {
        let config = try load(from: folder.configURL)
        try config.check(against: folder)
        return config
    }

    func validate(_ url: URL) throws {
        guard modelType == Self.modelTypeName else {
            throw CheckpointError.unsupportedArchitecture(url, modelType: modelType, supported: [Self.modelTypeName])
        }
        for (key, value) in [("vocab_size", vocabSize), ("embedding_size", embeddingSize), ("hidden_size", hiddenSize),
                             ("num_layers", layerCount)] where value <= 0 {
            throw CheckpointError.malformedConfig(url, reason: "\(key) must be positive, got \(value)")
        }
        // The model interface has one width for hidden states 0…L (Gulordava's models: 650 and 650).
        guard embeddingSize == hiddenSize else {
            throw CheckpointError.unsupportedSetting(
                url, key: "embedding_size", value: "\(embeddingSize) (must equal hidden_size = \(hiddenSize): hidden states 0…L share one width)")
        }
    }

    /// The name of each weight the model reads and its shape.
    var expectedWeights: [(name: String, shape: [Int])] {
        var weights: [(String, [Int])] = [("encoder.weight", [vocabSize, embeddingSize])]
        for layer in 0..<layerCount {
            weights += [("rnn.weight_ih_l\(layer)", [4 * hiddenSize, layer == 0 ? embeddingSize : hiddenSize]),
                        ("rnn.weight_hh_l\(layer)", [4 * hiddenSize, hiddenSize]),
                        ("rnn.bias_ih_l\(layer)", [4 * hiddenSize]),
                        ("rnn.bias_hh_l\(layer)", [4 * hiddenSize])]
        }
        return weights + [("decoder.weight", [vocabSize, hiddenSize]), ("decoder.bias", [vocabSize])]
    }

    /// The sizes that must agree with the checkpoint (a size whose tensor is absent is left to the
    /// loader, which names the missing weight).
    func check(against folder: CheckpointFolder) throws {
        let weights = folder.weightFiles.count == 1 ? folder.weightFiles[0].url.lastPathComponent : "the checkpoint's shards"
        func expect(_ key: String, _ value: Int, tensor: String, dimension: Int, what: String) throws {
            guard let shape = folder.shape(of: tensor), shape.count > dimension, shape[dimension] != value else { return }
            throw CheckpointError.malformedConfig(
                folder.configURL, reason: "\(key) = \(value) does not match \(weights), whose \(tensor) has \(shape[dimension]) \(what)")
        }
        try expect("vocab_size", vocabSize, tensor: "encoder.weight", dimension: 0, what: "rows")
        try expect("embedding_size", embeddingSize, tensor: "encoder.weight", dimension: 1, what: "columns")
        try expect("hidden_size", hiddenSize, tensor: "rnn.weight_hh_l0", dimension: 1, what: "columns")
        try expect("vocab_size", vocabSize, tensor: "decoder.weight", dimension: 0, what: "rows")
        let layers = Set(folder.tensorNames.compactMap { name -> Int? in
            guard name.hasPrefix("rnn.weight_ih_l") else { return nil }
            return Int(name.dropFirst("rnn.weight_ih_l".count))
        })
        if layers.count != layerCount {
            let held = layers.isEmpty ? "which holds no LSTM layers" : "which holds \(layers.count) LSTM layers (\(layers.min()!)…\(layers.max()!))"
            throw CheckpointError.malformedConfig(folder.configURL, reason: "num_layers = \(layerCount) does not match \(weights), \(held)")
        }
    }
}
