/// A problem with a typed line, pointing at its column: rendered with a caret under it.
///
/// ```
/// error: unknown ranking 'probless' — did you mean 'probeless'?
///   Rank(.probless)
///         ^^^^^^^^
/// ```
public struct LineError: Error, Equatable, CustomStringConvertible {
    public var message: String
    /// 0-based offset (in characters) of the offending text.
    public var column: Int
    public var length: Int

    public init(_ message: String, column: Int, length: Int = 1) {
        self.message = message
        self.column = column
        self.length = max(1, length)
    }

    public var description: String { "error: \(message) (column \(column + 1))" }

    /// The message with the line and a caret under the problem.
    public func rendered(line: String) -> String {
        "error: \(message)\n  \(line)\n  " + String(repeating: " ", count: column) + String(repeating: "^", count: length)
    }
}

/// "did you mean" for a mistyped name: the closest known name by edit distance, if close enough.
public enum Suggestion {
    public static func closest(to word: String, among names: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = names.map { ($0, distance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(1, word.count / 3) ? best.0 : nil
    }

    /// " — did you mean 'x'?" or "; expected one of a, b, c".
    public static func hint(for word: String, among names: [String]) -> String {
        if let close = closest(to: word, among: names) { return " — did you mean '\(close)'?" }
        return "; expected one of " + names.joined(separator: ", ")
    }

    /// Edit distance counting a swap of neighbours as one edit (optimal string alignment).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
            }
        }
        return table[a.count][b.count]
    }
}
