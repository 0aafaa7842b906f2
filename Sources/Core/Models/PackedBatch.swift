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
}
