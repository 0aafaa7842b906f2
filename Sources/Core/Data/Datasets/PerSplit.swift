/// A count per split (sentences, words, tokens or types).
public struct SplitCounts: Sendable, Hashable, Codable {
    public var train = 0
    public var dev = 0
    public var test = 0

    /// Creates counts.
    public init(train: Int = 0, dev: Int = 0, test: Int = 0) {
        self.train = train
        self.dev = dev
        self.test = test
    }

    /// The count of one split.
    public subscript(split: DataSplit) -> Int {
        get {
            switch split {
            case .train: return train
            case .dev: return dev
            case .test: return test
            }
        }
        set {
            switch split {
            case .train: train = newValue
            case .dev: dev = newValue
            case .test: test = newValue
            }
        }
    }

    /// The sum over splits.
    public var total: Int { train + dev + test }

    /// The smallest of the three.
    public var minimum: Int { Swift.min(train, dev, test) }

    /// Adds two counts split by split.
    public static func + (lhs: Self, rhs: Self) -> Self {
        SplitCounts(train: lhs.train + rhs.train, dev: lhs.dev + rhs.dev, test: lhs.test + rhs.test)
    }
}
