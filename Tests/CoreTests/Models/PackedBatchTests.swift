import Testing
@testable import Models

@Suite("Packed batch grouping")
struct PackedBatchGroupingTests {
    @Test("every item once, within the limits, similar lengths together, longest batches first")
    func groups() {
        let lengths = [5, 1, 9, 3, 9, 2, 7, 4, 30, 1].enumerated().map { (index: $0.offset, length: $0.element) }
        let batches = PackedBatch.groups(lengths: lengths, maxTokens: 12, maxItems: 3)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<10))
        for batch in batches {
            #expect(batch.count <= 3)
            #expect(batch.count == 1 || batch.map { lengths[$0].length }.reduce(0, +) <= 12)
        }
        #expect(batches.first == [8])   // the 30-token item, alone and first
        let longest = batches.map { $0.map { lengths[$0].length }.max()! }
        #expect(longest == longest.sorted(by: >))
    }
}
