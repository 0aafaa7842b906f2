/// The special tokens put around a single sequence (`post_processor` in `tokenizer.json`):
/// `[CLS] … [SEP]` for BERT, `<s> … </s>` for XLM-R.
struct TokenizerPostProcessor: Sendable {
    /// Ids before the sequence.
    var prefix: [Int] = []
    /// Ids after the sequence.
    var suffix: [Int] = []

    /// Reads `TemplateProcessing` (its `single` template), `BertProcessing`, `RobertaProcessing`,
    /// `ByteLevel` (no tokens) or a `Sequence` of them.
    ///
    /// - Throws: ``TokenizerError`` naming the key of an unsupported or malformed entry.
    init(json: TokenizerJSON?) throws {
        guard let json else { return }
        let type = try json.type()
        switch type {
        case "TemplateProcessing":
            let specials = try json.optional("special_tokens")
            var seenSequence = false
            for item in try json.required("single").array() {
                if let special = try item.optional("SpecialToken") {
                    let name = try special.required("id").string()
                    guard let entry = try specials?.optional(name) else {
                        throw TokenizerError.missingKey(file: json.file, key: (specials?.path ?? json.childPath("special_tokens")) + ".\(name)")
                    }
                    let ids = try entry.required("ids").array().map { try $0.int() }
                    if seenSequence { suffix += ids } else { prefix += ids }
                } else if try item.optional("Sequence") != nil {
                    seenSequence = true
                } else {
                    throw item.invalid("{\"SpecialToken\": …} or {\"Sequence\": …}")
                }
            }
        case "BertProcessing", "RobertaProcessing":
            let cls = try json.required("cls").array()
            let sep = try json.required("sep").array()
            guard cls.count == 2, sep.count == 2 else { throw json.invalid("cls and sep as [token, id]") }
            prefix = [try cls[1].int()]
            suffix = [try sep[1].int()]
        case "ByteLevel":
            break
        case "Sequence":
            for step in try json.required("processors").array() {
                let inner = try TokenizerPostProcessor(json: step)
                prefix += inner.prefix
                suffix = inner.suffix + suffix
            }
        default:
            throw TokenizerError.unsupportedType(file: json.file, key: json.childPath("type"), type: type)
        }
    }

    /// A post-processor from explicit ids.
    init(prefix: [Int], suffix: [Int]) {
        self.prefix = prefix
        self.suffix = suffix
    }
}
