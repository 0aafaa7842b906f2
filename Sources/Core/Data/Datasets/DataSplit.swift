/// One of the three data splits.
public enum DataSplit: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable,
    CustomStringConvertible
{
    case train, dev, test

    /// Train < dev < test.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.index < rhs.index }

    /// 0, 1, 2 for train, dev, test.
    public var index: Int {
        switch self {
        case .train: return 0
        case .dev: return 1
        case .test: return 2
        }
    }

    public var description: String { rawValue }
}
