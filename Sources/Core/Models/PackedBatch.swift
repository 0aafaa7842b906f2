/// Several token sequences laid end to end without padding.
///
/// Linear layers run on all tokens at once (one GEMM); attention runs per sequence, so no
/// padding mask is needed and no work is spent on padding.
public struct PackedBatch: Sendable, Equatable {
    /// All token ids, sequence after sequence.
    public var ids: [Int]
    /// `starts[s]..<starts[s + 1]` are the rows of sequence `s`; `starts.last == ids.count`.
    public var starts: [Int]

    public init(sequences: [[Int]]) {
        ids = sequences.flatMap { $0 }
        starts = [0]
        for sequence in sequences { starts.append(starts[starts.count - 1] + sequence.count) }
    }

    public var sequenceCount: Int { starts.count - 1 }
    public var tokenCount: Int { ids.count }
    /// Rows of one sequence.
    public func rows(of sequence: Int) -> Range<Int> { starts[sequence]..<starts[sequence + 1] }

    /// Groups items into batches of similar length, at most `maxTokens` tokens (a longer item
    /// alone) and `maxItems` items each, longest batches first: handed to workers in this order,
    /// a run ends on short batches and no core waits long for the last one.
    ///
    /// - Parameter lengths: item index → token count, for the items to batch.
    public static func groups(lengths: [(index: Int, length: Int)], maxTokens: Int, maxItems: Int) -> [[Int]] {
        let order = lengths.sorted { $0.length < $1.length || ($0.length == $1.length && $0.index < $1.index) }
        var batches: [[Int]] = [], current: [Int] = [], tokens = 0
        for (index, length) in order {
            if !current.isEmpty && (tokens + length > maxTokens || current.count >= maxItems) {
                batches.append(current); current = []; tokens = 0
            }
            current.append(index); tokens += length
        }
        if !current.isEmpty { batches.append(current) }
        return batches.reversed()
    }
}
