/// One value per data split: a dataset's examples, a count of sentences, words, tokens or types.
public struct PerSplit<Value> {
    public var train: Value
    public var dev: Value
    public var test: Value

    public init(train: Value, dev: Value, test: Value) {
        self.train = train
        self.dev = dev
        self.test = test
    }

    /// The value of each split, made by `value`.
    public init(_ value: (DataSplit) throws -> Value) rethrows {
        self.init(train: try value(.train), dev: try value(.dev), test: try value(.test))
    }

    /// The value of one split.
    public subscript(split: DataSplit) -> Value {
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

    /// Each split's value transformed.
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> PerSplit<T> {
        PerSplit<T>(train: try transform(train), dev: try transform(dev), test: try transform(test))
    }
}

extension PerSplit: Sendable where Value: Sendable {}
extension PerSplit: Equatable where Value: Equatable {}
extension PerSplit: Hashable where Value: Hashable {}
/// Encoded as `{"dev": …, "test": …, "train": …}`, as the string-keyed dictionaries it replaced.
extension PerSplit: Codable where Value: Codable {}

/// A count per split (sentences, words, tokens or types).
public typealias SplitCounts = PerSplit<Int>

extension PerSplit where Value == Int {
    /// Zero in every split.
    public init() { self.init(train: 0, dev: 0, test: 0) }

    /// The sum over splits.
    public var total: Int { train + dev + test }

    /// The smallest of the three.
    public var minimum: Int { Swift.min(train, dev, test) }

    /// `train/dev/test` as the tables print it: `11000/0/1000`.
    public var slashed: String { "\(train)/\(dev)/\(test)" }

    /// Adds two counts split by split.
    public static func + (lhs: Self, rhs: Self) -> Self {
        SplitCounts(train: lhs.train + rhs.train, dev: lhs.dev + rhs.dev, test: lhs.test + rhs.test)
    }
}
