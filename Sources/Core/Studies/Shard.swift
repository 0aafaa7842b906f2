/// A deterministic share of a study's configs: the plan cuts itself into n shards balanced by
/// the planner's cost estimates (``StudyPlan/shardIndices(count:)``), computed from the plan
/// alone, so n shards partition the plan whatever machine runs them.
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

    public var description: String { "\(index)/\(count)" }
}
