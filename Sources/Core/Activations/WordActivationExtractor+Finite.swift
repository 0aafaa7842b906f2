import Foundation
import Storage

extension WordActivationExtractor {
    /// The first word vector of a batch with a value outside ``largestMagnitude`` (NaN, infinite, or
    /// too large for the storage type), as an error naming its site, file, sentence and word.
    ///
    /// - Parameter vectors: per layer slot, the batch's words in order × ``width``.
    func firstNonFiniteWord(_ vectors: [[Float]], batch: [Int], sentences: [TokenizedSentence]) -> NonFiniteActivationError? {
        guard let limit = largestMagnitude else { return nil }
        for (slot, matrix) in vectors.enumerated() {
            let found = matrix.withUnsafeBufferPointer { NonFiniteActivationError.firstViolation($0, width: width, limit: limit) }
            guard let (row, column) = found else { continue }
            var word = row
            for sentenceIndex in batch {
                let sentence = sentences[sentenceIndex]
                if word < sentence.wordSpans.count {
                    let file = sentence.fileIndex < fileNames.count ? fileNames[sentence.fileIndex] : "treebank file \(sentence.fileIndex + 1)"
                    let value = matrix[row * width + column]
                    return NonFiniteActivationError(site: site.site(layers[slot]), file: file, sentenceID: sentence.id, word: word + 1,
                                                    neuron: column, value: value,
                                                    limit: limit < .greatestFiniteMagnitude ? limit : nil)
                }
                word -= sentence.wordSpans.count
            }
        }
        return nil
    }
}
