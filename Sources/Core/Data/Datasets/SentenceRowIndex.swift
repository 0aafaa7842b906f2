/// The activation-cache row of each sentence's first word, for files extracted in order.
///
/// The extractor stores one row per syntactic word, sentence after sentence, file after file,
/// leaving out the sentences it skipped. This index rebuilds that numbering so datasets can be
/// aligned without the cache at hand: `row(fileName:sentenceID:)` is the `rowOfSentence`
/// argument of ``AttributeDataset/rows(for:rowOfSentence:)``.
public struct SentenceRowIndex: Sendable {
    private var firstRows: [String: [String: Int]]
    /// The number of rows the cache holds.
    public private(set) var rowCount: Int

    /// Numbers the words of `files` in order, leaving out sentences for which `isSkipped`
    /// (file name, sentence id) is true.
    public init(files: [TreebankFile], isSkipped: (String, String) -> Bool = { _, _ in false }) {
        var rows: [String: [String: Int]] = [:]
        var next = 0
        for file in files {
            var fileRows: [String: Int] = [:]
            fileRows.reserveCapacity(file.sentences.count)
            for sentence in file.sentences where !isSkipped(file.name, sentence.id) {
                fileRows[sentence.id] = next
                next += sentence.words.count
            }
            rows[file.name, default: [:]].merge(fileRows) { first, _ in first }
        }
        firstRows = rows
        rowCount = next
    }

    /// The row of the sentence's first word, or `nil` if skipped or unknown.
    public func row(fileName: String, sentenceID: String) -> Int? { firstRows[fileName]?[sentenceID] }
}
