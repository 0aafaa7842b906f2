/// The special tokens of a BERT vocabulary.
public struct BertSpecialTokens: Sendable, Equatable {
    /// Unknown token, `[UNK]`.
    public var unknown: String
    /// Classifier token put first, `[CLS]`.
    public var classifier: String
    /// Separator put last, `[SEP]`.
    public var separator: String
    /// Padding, `[PAD]`.
    public var padding: String
    /// Mask, `[MASK]`.
    public var mask: String

    /// The standard BERT names unless given.
    public init(
        unknown: String = "[UNK]", classifier: String = "[CLS]", separator: String = "[SEP]",
        padding: String = "[PAD]", mask: String = "[MASK]"
    ) {
        self.unknown = unknown
        self.classifier = classifier
        self.separator = separator
        self.padding = padding
        self.mask = mask
    }
}
