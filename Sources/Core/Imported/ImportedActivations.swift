import Foundation
import Kernels
import Support
import Storage

/// A user's `.npy` arrays (one per layer, [words, neurons], float32 or float16), memory-mapped and
/// checked, as a source of rows for ``ProbingData`` — the same pipeline as the workbench's own cache.
///
/// Rows are addressed as the cache addresses them, by file name and sentence id
/// (``firstRow(fileName:sentenceID:)``): a label table is one "sentence" of its file whose words are
/// the rows; CoNLL-U labels map each sentence to the row of its first word.
public final class ImportedActivations: ActivationRows, @unchecked Sendable {
    struct MappedArray {
        var url: URL
        var data: Data
        var offset: Int
        var type: NumpyArrayFile.ScalarType
    }

    public let rowCount: Int
    public let width: Int
    public let layers: [Int]
    public let contentKey: [String]
    public let origin: ActivationOrigin
    /// The first array, which messages name.
    public let firstArray: URL
    private let arrays: [Int: MappedArray]
    private var rowOfSentence: [String: Int] = [:]

    /// Maps the arrays and checks that each is a 2-D float array and that they agree in shape.
    ///
    /// - Parameters:
    ///   - urls: the `.npy` files
    ///   - layers: the layer number of each
    ///   - extraKey: what else shapes the rows' meaning (the labels files' hashes), for cache keys
    /// - Throws: ``NumpyArrayFile/Failure`` for an unreadable file or dtype, ``ActivationImportError``
    ///   for a shape that is not [words, neurons] or arrays that disagree.
    public init(arrays urls: [URL], layers: [Int], extraKey: [String] = []) throws {
        precondition(urls.count == layers.count && !urls.isEmpty, "\(urls.count) arrays for layers \(layers)")
        var mapped: [Int: MappedArray] = [:]
        var shape: [Int] = []
        var hashes: [String] = []
        for (url, layer) in zip(urls, layers) {
            let data: Data
            do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
                throw NumpyArrayFile.Failure.notNumpy(url, reason: ErrorMessage.reason(error))
            }
            let header = try NumpyArrayFile.parseHeader(data, url: url)
            guard header.shape.count == 2 else { throw ActivationImportError.notTwoDimensional(array: url, shape: header.shape) }
            let (rows, columns) = (header.shape[0], header.shape[1])
            guard columns > 0 else { throw ActivationImportError.notTwoDimensional(array: url, shape: header.shape) }
            let expected = header.dataOffset + rows * columns * header.type.byteWidth
            guard data.count == expected else { throw NumpyArrayFile.Failure.truncated(url, expectedBytes: expected, foundBytes: data.count) }
            if shape.isEmpty { shape = header.shape } else if header.shape != shape {
                throw ActivationImportError.arraysDisagree(array: url, shape: header.shape, first: urls[0], firstShape: shape)
            }
            mapped[layer] = MappedArray(url: url, data: data, offset: header.dataOffset, type: header.type)
            hashes.append(try ContentHash.ofFile(url))
        }
        rowCount = shape[0]
        width = shape[1]
        self.layers = layers
        arrays = mapped
        firstArray = urls[0]
        contentKey = ["imported"] + hashes + extraKey
        origin = ActivationOrigin(modelPath: urls.map(\.path).joined(separator: ", "), modelHash: ContentHash.combine(hashes),
                                  location: urls.map(\.path).joined(separator: ", "))
    }

    /// Declares that the rows of a sentence start at `row` (a label table: one sentence, row 0).
    func setFirstRow(_ row: Int, fileName: String, sentenceID: String) {
        rowOfSentence[ActivationStore.sentenceKey(fileName, sentenceID)] = row
    }

    public func firstRow(fileName: String, sentenceID: String) -> Int? {
        rowOfSentence[ActivationStore.sentenceKey(fileName, sentenceID)]
    }

    private func array(layer: Int) throws -> MappedArray {
        guard let array = arrays[layer] else {
            throw ActivationImportError.unsupportedLabels(firstArray, reason: "no array for layer \(layer) (layers: \(layers.map(String.init).joined(separator: ", ")))")
        }
        return array
    }

    public func rows(_ indices: [Int]?, layer: Int) throws -> Tensor {
        let array = try array(layer: layer)
        let width = self.width, stride = width * array.type.byteWidth, rowCount = self.rowCount
        let count = indices?.count ?? rowCount
        guard count > 0 else { return Tensor(shape: [0, width], scalars: []) }
        return array.data.withUnsafeBytes { raw in
            Tensor(shape: [count, width]) { out in
                if let indices {
                    for (i, row) in indices.enumerated() {
                        precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
                        NumpyArrayFile.decode(raw, from: array.offset + row * stride, count: width, type: array.type,
                                              into: out.baseAddress! + i * width)
                    }
                } else {
                    NumpyArrayFile.decode(raw, from: array.offset, count: count * width, type: array.type, into: out.baseAddress!)
                }
            }
        }
    }

    /// - Throws: ``ActivationImportError/nonFinite(array:row:neuron:value:)`` naming the array and the
    ///   row (counted from 0, as numpy counts).
    public func checkFinite(_ values: Tensor, rows indices: [Int]?, layer: Int) throws {
        let found = values.scalars.withUnsafeBufferPointer { NonFiniteActivationError.firstViolation($0, width: values.columns) }
        guard let (position, column) = found else { return }
        let row = indices?[position] ?? position
        throw ActivationImportError.nonFinite(array: try array(layer: layer).url, row: row, neuron: column,
                                              value: values.scalars[position * values.columns + column])
    }
}
