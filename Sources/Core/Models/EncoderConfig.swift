import Foundation

/// The `config.json` of a BERT-family encoder (BERT, mBERT, MiniLM, RoBERTa, XLM-R).
public struct EncoderConfig: Decodable, Sendable, Equatable {
    public enum Family: String, Sendable { case bert, roberta }

    public var modelType: String
    public var architectures: [String]
    public var vocabSize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var hiddenActivation: String
    public var maxPositionEmbeddings: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Float
    public var padTokenID: Int
    public var positionEmbeddingType: String

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case architectures
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenActivation = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabularySize = "type_vocab_size"
        case layerNormEpsilon = "layer_norm_eps"
        case padTokenID = "pad_token_id"
        case positionEmbeddingType = "position_embedding_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures) ?? []
        if let modelType = try c.decodeIfPresent(String.self, forKey: .modelType) {
            self.modelType = modelType
        } else if let inferred = architectures.lazy.compactMap(Self.modelType(ofArchitecture:)).first {
            // Configs written by older conversion scripts name only the class ("BertForMaskedLM").
            modelType = inferred
        } else {
            modelType = try c.decode(String.self, forKey: .modelType)   // throws "missing key model_type"
        }
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        layerCount = try c.decode(Int.self, forKey: .layerCount)
        headCount = try c.decode(Int.self, forKey: .headCount)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        hiddenActivation = try c.decodeIfPresent(String.self, forKey: .hiddenActivation) ?? "gelu"
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        typeVocabularySize = try c.decodeIfPresent(Int.self, forKey: .typeVocabularySize) ?? 2
        layerNormEpsilon = try c.decodeIfPresent(Float.self, forKey: .layerNormEpsilon) ?? 1e-12
        padTokenID = try c.decodeIfPresent(Int.self, forKey: .padTokenID) ?? 0
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? "absolute"
    }

    /// The keys whose values are integers.
    static let integerKeys: [String] = [CodingKeys.vocabSize, .hiddenSize, .layerCount, .headCount, .intermediateSize,
                                        .maxPositionEmbeddings, .typeVocabularySize, .padTokenID].map(\.rawValue)

    /// Model types this encoder implementation runs: the BERT family.
    public static let bertFamilyModelTypes = ["bert", "roberta", "xlm-roberta", "camembert"]

    /// Reads and validates `config.json`; errors name the file and the key.
    public static func load(from url: URL) throws -> EncoderConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw CheckpointError.missingFile(url) }
        let json: JSONValue
        do { json = try JSONValue.parse([UInt8](data)) } catch {
            throw CheckpointError.malformedConfig(url, reason: "not valid JSON (\(error))")
        }
        guard case .object(let object) = json else { throw CheckpointError.malformedConfig(url, reason: "not a JSON object") }
        // The architecture first: a GPT-2 or Gemma config lacks BERT's keys, and "missing key
        // hidden_size" would hide the real problem.
        if let kind = try? JSONDecoder().decode(ModelKind.self, from: data), let modelType = kind.modelType,
           !bertFamilyModelTypes.contains(modelType) {
            throw CheckpointError.unsupportedArchitecture(url, modelType: modelType, supported: bertFamilyModelTypes)
        }
        // JSONDecoder calls 16.5 for an Int "not valid JSON"; say which key and what it holds.
        for key in integerKeys {
            if let value = object[key], case .number(let number) = value, value.integer == nil {
                throw CheckpointError.malformedConfig(url, reason: "key \(key) must be an integer, got \(number)")
            }
        }
        let config: EncoderConfig
        do { config = try JSONDecoder().decode(EncoderConfig.self, from: data) } catch let error as DecodingError {
            throw CheckpointError.malformedConfig(url, reason: Self.explain(error))
        } catch {
            throw CheckpointError.malformedConfig(url, reason: "not valid JSON")
        }
        try config.validate(url)
        return config
    }

    /// The `model_type` a transformers class name implies ("XLMRobertaForMaskedLM" → "xlm-roberta").
    static func modelType(ofArchitecture name: String) -> String? {
        for (prefix, type) in [("XLMRoberta", "xlm-roberta"), ("Camembert", "camembert"), ("Roberta", "roberta"), ("Bert", "bert")]
        where name.hasPrefix(prefix) { return type }
        return nil
    }

    /// Only `model_type`, read before the rest of the config.
    struct ModelKind: Decodable {
        var modelType: String?
        enum CodingKeys: String, CodingKey { case modelType = "model_type" }
    }

    /// BERT or RoBERTa conventions (position ids, key prefixes).
    public var family: Family { modelType == "bert" ? .bert : .roberta }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// Longest input in tokens, special tokens included.
    public var maxSequenceLength: Int {
        family == .roberta ? maxPositionEmbeddings - padTokenID - 1 : maxPositionEmbeddings
    }

    func validate(_ url: URL) throws {
        guard Self.bertFamilyModelTypes.contains(modelType) else {
            throw CheckpointError.unsupportedArchitecture(url, modelType: modelType, supported: Self.bertFamilyModelTypes)
        }
        guard ["gelu", "gelu_new", "gelu_pytorch_tanh"].contains(hiddenActivation) else {
            throw CheckpointError.unsupportedSetting(url, key: "hidden_act", value: hiddenActivation)
        }
        guard positionEmbeddingType == "absolute" else {
            throw CheckpointError.unsupportedSetting(url, key: "position_embedding_type", value: positionEmbeddingType)
        }
        for (key, value) in [("hidden_size", hiddenSize), ("num_hidden_layers", layerCount), ("num_attention_heads", headCount),
                             ("intermediate_size", intermediateSize), ("vocab_size", vocabSize),
                             ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabularySize)] where value <= 0 {
            throw CheckpointError.malformedConfig(url, reason: "\(key) must be positive, got \(value)")
        }
        guard hiddenSize % headCount == 0 else {
            throw CheckpointError.malformedConfig(url, reason: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
        }
        // LayerNorm divides by sqrt(variance + ε): a negative ε makes NaN of a constant row.
        guard layerNormEpsilon >= 0, layerNormEpsilon.isFinite else {
            throw CheckpointError.malformedConfig(url, reason: "layer_norm_eps must be a non-negative number, got \(layerNormEpsilon)")
        }
        // RoBERTa's positions start at pad_token_id + 1 and must leave room for one token.
        if family == .roberta, padTokenID < 0 || padTokenID >= maxPositionEmbeddings - 1 {
            throw CheckpointError.malformedConfig(
                url, reason: "pad_token_id = \(padTokenID) leaves no positions (positions start at pad_token_id + 1 below max_position_embeddings = \(maxPositionEmbeddings))")
        }
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing key \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "key \"\(path)\": \(context.debugDescription)"
        case .dataCorrupted(let context): return "not valid JSON (\(context.debugDescription))"
        @unknown default: return "\(error)"
        }
    }
}
