import Foundation
import Kernels
import Support

/// A verified, memory-mapped cached extraction: word vectors by layer and row.
public final class ActivationStore: @unchecked Sendable {
    public let directory: URL
    public let manifest: ActivationManifest
    private var mapped: [Int: (data: Data, offset: Int)] = [:]
    private let lock = NSLock()
    private let rowOfSentence: [String: Int]

    /// Opens and verifies a cache folder: every array must have its recorded size and hash.
    ///
    /// - Throws: ``CacheError/corrupted(_:reason:)`` naming the first bad file.
    public init(directory: URL) throws {
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: manifestURL.path) else { throw CacheError.missing(manifestURL) }
        let manifest: ActivationManifest
        do { manifest = try JSONDecoder().decode(ActivationManifest.self, from: Data(contentsOf: manifestURL)) } catch {
            throw CacheError.corrupted(manifestURL, reason: "manifest unreadable: \(error)")
        }
        guard manifest.format == ActivationManifest.currentFormat else {
            throw CacheError.corrupted(manifestURL, reason: "format \(manifest.format), expected \(ActivationManifest.currentFormat)")
        }
        for entry in manifest.arrays + [manifest.wordsFile] {
            let url = directory.appendingPathComponent(entry.file)
            guard let (digest, byteCount) = try? ContentHash.ofFileWithSize(url) else { throw CacheError.corrupted(url, reason: "missing") }
            guard byteCount == entry.byteCount else {
                throw CacheError.corrupted(url, reason: "\(byteCount) bytes, manifest says \(entry.byteCount)")
            }
            let hash = ContentHash.hex(digest)
            guard hash == entry.contentHash else { throw CacheError.corrupted(url, reason: "content hash \(hash) ≠ \(entry.contentHash)") }
        }
        self.directory = directory
        self.manifest = manifest
        var rows: [String: Int] = [:]
        for sentence in manifest.sentences {
            rows[Self.sentenceKey(manifest.corpus[sentence.file].name, sentence.id)] = sentence.firstRow
        }
        rowOfSentence = rows
    }

    package static func sentenceKey(_ fileName: String, _ sentenceID: String) -> String { fileName + "\u{1F}" + sentenceID }

    public var rowCount: Int { manifest.rowCount }
    public var width: Int { manifest.rowWidth ?? manifest.model.hiddenSize }
    public var layers: [Int] { manifest.layers }

    /// Row of a sentence's first word, or nil when the sentence was skipped or is not in the cache.
    public func firstRow(fileName: String, sentenceID: String) -> Int? {
        rowOfSentence[Self.sentenceKey(fileName, sentenceID)]
    }

    private func array(layer: Int) throws -> (data: Data, offset: Int, type: NumpyArrayFile.ScalarType) {
        guard let entry = manifest.arrays.first(where: { $0.layer == layer }) else {
            throw CacheError.missing(directory.appendingPathComponent("layer-\(layer).npy"))
        }
        lock.lock(); defer { lock.unlock() }
        if let cached = mapped[layer] { return (cached.data, cached.offset, manifest.dtype) }
        let url = directory.appendingPathComponent(entry.file)
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        let header = try NumpyArrayFile.parseHeader(data, url: url)
        guard header.shape == [manifest.rowCount, width] else {
            throw CacheError.corrupted(url, reason: "shape \(header.shape), expected \([manifest.rowCount, width])")
        }
        mapped[layer] = (data, header.dataOffset)
        return (data, header.dataOffset, header.type)
    }

    /// The whole [rows, width] matrix of one layer as Float32.
    public func matrix(layer: Int) throws -> Tensor {
        try rows(nil, layer: layer)
    }

    /// Selected rows (in the given order) of one layer, or all rows when `indices` is nil. - Returns: [n, width]
    public func rows(_ indices: [Int]?, layer: Int) throws -> Tensor {
        let (data, offset, type) = try array(layer: layer)
        let width = self.width, stride = width * type.byteWidth
        let count = indices?.count ?? rowCount
        return data.withUnsafeBytes { raw in
            Tensor(shape: [count, width]) { out in
                if let indices {
                    for (i, row) in indices.enumerated() {
                        precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
                        NumpyArrayFile.decode(raw, from: offset + row * stride, count: width, type: type, into: out.baseAddress! + i * width)
                    }
                } else {
                    NumpyArrayFile.decode(raw, from: offset, count: count * width, type: type, into: out.baseAddress!)
                }
            }
        }
    }

    /// The file, sentence and 1-based word position of a row (nil outside the cache).
    public func location(ofRow row: Int) -> (file: String, sentenceID: String, word: Int)? {
        let sentences = manifest.sentences   // in row order
        var low = 0, high = sentences.count
        while low < high {
            let middle = (low + high) / 2
            if sentences[middle].firstRow <= row { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let sentence = sentences[low - 1]
        guard row < sentence.firstRow + sentence.wordCount, manifest.corpus.indices.contains(sentence.file) else { return nil }
        return (manifest.corpus[sentence.file].name, sentence.id, row - sentence.firstRow + 1)
    }

    /// Throws for the first row among `indices` (all rows when nil) of `values` — those rows of
    /// `layer`, in that order — that holds a NaN or an infinity.
    ///
    /// - Throws: ``NonFiniteActivationError`` naming the site, file, sentence, word and this cache.
    public func checkFinite(_ values: Tensor, rows indices: [Int]?, layer: Int) throws {
        let found = values.scalars.withUnsafeBufferPointer { NonFiniteActivationError.firstViolation($0, width: values.columns) }
        guard let (position, column) = found else { return }
        let row = indices?[position] ?? position
        let place = location(ofRow: row) ?? (file: directory.lastPathComponent, sentenceID: "?", word: row + 1)
        throw NonFiniteActivationError(site: (manifest.site ?? .residual).site(layer), file: place.file, sentenceID: place.sentenceID,
                                       word: place.word, neuron: column, value: values.scalars[position * values.columns + column],
                                       cache: directory)
    }

    /// The words of every row: (sentence id, 1-based word index, form).
    public func words() throws -> [(sentenceID: String, index: Int, form: String)] {
        let text = try String(contentsOf: directory.appendingPathComponent(manifest.wordsFile.file), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            return (String(fields[0]), Int(fields[1]) ?? 0, fields.count > 2 ? String(fields[2]) : "")
        }
    }

    /// Writes the arrays as plain NumPy files plus `words.tsv` into a folder, for Python tools.
    public func export(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for entry in manifest.arrays + [manifest.wordsFile] {
            let target = folder.appendingPathComponent(entry.file)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: directory.appendingPathComponent(entry.file), to: target)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: folder.appendingPathComponent("manifest.json"), options: .atomic)
    }
}
