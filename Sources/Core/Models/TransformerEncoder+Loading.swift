import Foundation
import Kernels

extension TransformerEncoder {
    /// Loads a model folder (config.json + safetensors), checking every weight's presence and shape.
    ///
    /// - Throws: ``CheckpointError`` naming the file and the missing, unexpected or misshapen key.
    public static func load(from folderURL: URL) throws -> TransformerEncoder {
        try load(try CheckpointFolder(url: folderURL))
    }

    /// Loads an opened checkpoint folder.
    public static func load(_ folder: CheckpointFolder) throws -> TransformerEncoder {
        let config = try EncoderConfig.load(checkedAgainst: folder)   // sizes against the tensor shapes, before allocating
        var checkpointKey: [String: String] = [:]
        var unexpected: [String] = []
        for name in folder.tensorNames.sorted() {
            switch BertCheckpointKeys.meaning(of: name) {
            case .weight(let own)?: checkpointKey[own] = checkpointKey[own] ?? name
            case .ignored?: continue
            case nil: unexpected.append(name)
            }
        }
        if !unexpected.isEmpty { throw CheckpointError.unexpectedWeights(folder.url, keys: unexpected) }
        let withHead = checkpointKey.keys.contains { $0.hasPrefix("head.") }
        let expected = BertCheckpointKeys.expectedNames(layerCount: config.layerCount, withHead: withHead)
        let missing = expected.filter { checkpointKey[$0] == nil }
        if !missing.isEmpty {
            // Name missing weights as this checkpoint spells its keys ("bert.encoder…", "roberta.encoder…").
            let anchor = "embeddings.word_embeddings.weight"
            let prefix = checkpointKey[anchor].map { String($0.dropLast(anchor.count)) } ?? ""
            throw CheckpointError.missingWeights(folder.url, keys: missing.map { $0.hasPrefix("head.") ? $0 : prefix + $0 })
        }
        let extra = Set(checkpointKey.keys).subtracting(expected).subtracting(["head.decoder.weight"])
        if !extra.isEmpty { throw CheckpointError.unexpectedWeights(folder.url, keys: extra.sorted().map { checkpointKey[$0] ?? $0 }) }

        func weight(_ own: String, _ shape: [Int]) throws -> Tensor {
            let name = checkpointKey[own] ?? own
            let tensor = try folder.tensor(name)
            guard tensor.shape == shape else {
                throw CheckpointError.wrongShape(folder.url, tensor: name, expected: shape, found: tensor.shape)
            }
            return tensor
        }
        let hidden = config.hiddenSize, inner = config.intermediateSize
        let embeddings = Embeddings(
            words: try weight("embeddings.word_embeddings.weight", [config.vocabSize, hidden]),
            positions: try weight("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, hidden]),
            tokenTypes: try weight("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, hidden]),
            normWeight: try weight("embeddings.LayerNorm.weight", [hidden]),
            normBias: try weight("embeddings.LayerNorm.bias", [hidden]),
            firstPosition: config.family == .roberta ? config.padTokenID + 1 : 0)

        var layers: [EncoderLayer] = []
        for index in 0..<config.layerCount {
            let p = "encoder.layer.\(index)."
            let q = try weight(p + "attention.self.query.weight", [hidden, hidden])
            let k = try weight(p + "attention.self.key.weight", [hidden, hidden])
            let v = try weight(p + "attention.self.value.weight", [hidden, hidden])
            let qb = try weight(p + "attention.self.query.bias", [hidden])
            let kb = try weight(p + "attention.self.key.bias", [hidden])
            let vb = try weight(p + "attention.self.value.bias", [hidden])
            layers.append(EncoderLayer(
                qkvWeight: Tensor(shape: [3 * hidden, hidden], scalars: q.scalars + k.scalars + v.scalars),
                qkvBias: Tensor(shape: [3 * hidden], scalars: qb.scalars + kb.scalars + vb.scalars),
                attentionOutWeight: try weight(p + "attention.output.dense.weight", [hidden, hidden]),
                attentionOutBias: try weight(p + "attention.output.dense.bias", [hidden]),
                attentionNormWeight: try weight(p + "attention.output.LayerNorm.weight", [hidden]),
                attentionNormBias: try weight(p + "attention.output.LayerNorm.bias", [hidden]),
                intermediateWeight: try weight(p + "intermediate.dense.weight", [inner, hidden]),
                intermediateBias: try weight(p + "intermediate.dense.bias", [inner]),
                outputWeight: try weight(p + "output.dense.weight", [hidden, inner]),
                outputBias: try weight(p + "output.dense.bias", [hidden]),
                outputNormWeight: try weight(p + "output.LayerNorm.weight", [hidden]),
                outputNormBias: try weight(p + "output.LayerNorm.bias", [hidden])))
        }

        var head: MaskedLMHead?
        if withHead {
            head = MaskedLMHead(
                denseWeight: try weight("head.dense.weight", [hidden, hidden]),
                denseBias: try weight("head.dense.bias", [hidden]),
                normWeight: try weight("head.norm.weight", [hidden]),
                normBias: try weight("head.norm.bias", [hidden]),
                decoderWeight: checkpointKey["head.decoder.weight"] == nil
                    ? embeddings.words   // tied to the input embeddings
                    : try weight("head.decoder.weight", [config.vocabSize, hidden]),
                decoderBias: try weight("head.decoder.bias", [config.vocabSize]))
        }
        return TransformerEncoder(config: config, embeddings: embeddings, layers: layers, head: head)
    }
}
