/// A deterministic share of a study's configs: shard i of n takes the configs whose position in
/// the plan is i − 1 modulo n, so n shards partition the plan whatever machine runs them.
public struct Shard: Sendable, Codable, Hashable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else { throw StudyError.badShard("\(index)/\(count)") }
        self.index = index
        self.count = count
    }

    /// Parses "2/4".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw StudyError.badShard(text) }
        do { try self.init(index: index, count: count) } catch { throw StudyError.badShard(text) }
    }

    public static let whole = try! Shard(index: 1, count: 1)

    /// Whether the config at `position` (0-based, in plan order) is this shard's.
    public func contains(position: Int) -> Bool { position % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}
