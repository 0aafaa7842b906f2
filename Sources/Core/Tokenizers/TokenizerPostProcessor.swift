/// The special tokens put around a single sequence (`post_processor` in `tokenizer.json`):
/// `[CLS] … [SEP]` for BERT, `<s> … </s>` for XLM-R.
struct TokenizerPostProcessor: Sendable {
    /// Ids before the sequence.
    var prefix: [Int] = []
    /// Ids after the sequence.
    var suffix: [Int] = []

    /// Reads `TemplateProcessing`, `BertProcessing`, `RobertaProcessing`, `ByteLevel` (no tokens)
    /// or a `Sequence` of them.
    ///
    /// HF runs a processor on a list of encodings (one for a single sequence) and each processor of
    /// a `Sequence` on the list the one before returned; a template returns one encoding per
    /// piece, so a later `BertProcessing` wraps only the first and adds `[SEP]` to the others. The
    /// same happens here to the list of parts, once, when the file is read.
    ///
    /// - Throws: ``TokenizerError`` naming the key of an unsupported or malformed entry.
    init(json: TokenizerJSON?) throws {
        guard let json else { return }
        let parts = try TokenizerPostProcessor.process([[.sequence]], with: json)
        let items = parts.flatMap { $0 }
        guard items.filter({ $0 == .sequence }).count == 1, let position = items.firstIndex(of: .sequence) else {
            throw json.invalid("post-processing that keeps the sequence exactly once")
        }
        func ids(_ slice: ArraySlice<Item>) -> [Int] {
            slice.map { item in
                guard case let .token(id) = item else { preconditionFailure("the sequence occurs once") }
                return id
            }
        }
        prefix = ids(items[..<position])
        suffix = ids(items[(position + 1)...])
    }

    /// A post-processor from explicit ids.
    init(prefix: [Int], suffix: [Int]) {
        self.prefix = prefix
        self.suffix = suffix
    }

    /// One entry of an encoding: the tokenized sequence or a special id.
    enum Item: Equatable {
        case sequence
        case token(Int)
    }

    /// Runs one processor on HF's list of encodings, each a list of items.
    private static func process(_ parts: [[Item]], with json: TokenizerJSON) throws -> [[Item]] {
        let type = try json.type()
        switch type {
        case "TemplateProcessing":
            guard parts.count <= 2 else {
                throw json.invalid("a template applied to one or two encodings (HF stops on \(parts.count))")
            }
            let specials = try json.optional("special_tokens")
            var result: [[Item]] = []
            for piece in try json.required(parts.count == 1 ? "single" : "pair").array() {
                if let special = try piece.optional("SpecialToken") {
                    let name = try special.required("id").string()
                    guard let entry = try specials?.optional(name) else {
                        throw TokenizerError.missingKey(file: json.file, key: (specials?.path ?? json.childPath("special_tokens")) + ".\(name)")
                    }
                    result.append(try entry.required("ids").array().map { .token(try $0.int()) })
                } else if let sequence = try piece.optional("Sequence") {
                    let id = try sequence.required("id").string()
                    guard let index = ["A": 0, "B": 1][id], index < parts.count else {
                        throw sequence.invalidChild("id", parts.count == 1 ? "\"A\"" : "\"A\" or \"B\"")
                    }
                    result.append(parts[index])
                } else {
                    throw piece.invalid("{\"SpecialToken\": …} or {\"Sequence\": …}")
                }
            }
            return result
        case "BertProcessing", "RobertaProcessing":
            let cls = try json.required("cls").array()
            let sep = try json.required("sep").array()
            guard cls.count == 2, sep.count == 2 else { throw json.invalid("cls and sep as [token, id]") }
            let clsID = Item.token(try cls[1].int())
            let sepID = Item.token(try sep[1].int())
            return parts.enumerated().map { index, part in
                if index == 0 { return [clsID] + part + [sepID] }
                return type == "BertProcessing" ? part + [sepID] : [sepID] + part + [sepID]
            }
        case "ByteLevel":
            return parts
        case "Sequence":
            return try json.required("processors").array().reduce(parts) { try process($0, with: $1) }
        default:
            throw TokenizerError.unsupportedType(file: json.file, key: json.childPath("type"), type: type)
        }
    }
}
