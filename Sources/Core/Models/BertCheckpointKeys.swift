/// Translation of BERT-family checkpoint tensor names (BERT, RoBERTa, XLM-R, CamemBERT) to
/// `TransformerEncoder`'s own names: one pure function.
///
/// Own names follow BERT without a prefix: `embeddings.word_embeddings.weight`,
/// `encoder.layer.3.attention.self.query.weight`, and `head.*` for the masked-LM head.
public enum BertCheckpointKeys {
    /// What a checkpoint key means to the encoder.
    public enum Meaning: Equatable, Sendable {
        /// A weight the encoder uses, under its own name.
        case weight(String)
        /// A tensor that is known and deliberately unused (pooler, next-sentence head, buffers).
        case ignored
    }

    /// Maps one checkpoint name; `nil` means unknown (reported as unexpected).
    public static func meaning(of key: String) -> Meaning? {
        var name = key
        for prefix in ["bert.", "roberta.", "model."] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        if name.hasSuffix(".gamma") { name = String(name.dropLast(6)) + ".weight" }
        if name.hasSuffix(".beta") { name = String(name.dropLast(5)) + ".bias" }
        if name.hasPrefix("pooler.") || name.hasPrefix("cls.seq_relationship.") || name.hasSuffix("position_ids") {
            return .ignored
        }
        let head: [String: String] = [
            "cls.predictions.transform.dense.weight": "head.dense.weight",
            "cls.predictions.transform.dense.bias": "head.dense.bias",
            "cls.predictions.transform.LayerNorm.weight": "head.norm.weight",
            "cls.predictions.transform.LayerNorm.bias": "head.norm.bias",
            "cls.predictions.decoder.weight": "head.decoder.weight",
            "cls.predictions.decoder.bias": "head.decoder.bias",
            "cls.predictions.bias": "head.decoder.bias",
            "lm_head.dense.weight": "head.dense.weight",
            "lm_head.dense.bias": "head.dense.bias",
            "lm_head.layer_norm.weight": "head.norm.weight",
            "lm_head.layer_norm.bias": "head.norm.bias",
            "lm_head.decoder.weight": "head.decoder.weight",
            "lm_head.decoder.bias": "head.decoder.bias",
            "lm_head.bias": "head.decoder.bias",
        ]
        if let own = head[name] { return .weight(own) }
        if name.hasPrefix("embeddings.") || name.hasPrefix("encoder.layer.") { return .weight(name) }
        return nil
    }

    /// Every own name an encoder with this shape needs (the head's only when it has one).
    public static func expectedNames(layerCount: Int, withHead: Bool) -> [String] {
        var names = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                     "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]
        for layer in 0..<layerCount {
            let p = "encoder.layer.\(layer)."
            for part in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                         "intermediate.dense", "output.dense", "attention.output.LayerNorm", "output.LayerNorm"] {
                names.append(p + part + ".weight")
                names.append(p + part + ".bias")
            }
        }
        if withHead {
            names += ["head.dense.weight", "head.dense.bias", "head.norm.weight", "head.norm.bias", "head.decoder.bias"]
        }
        return names
    }
}
