import Foundation
import Corpora

/// Labels for a user's activations, one per row of the array, from a `.tsv` or `.txt` file.
///
/// Columns are tab-separated. Without a header: `label`, then optionally `split`, then optionally
/// `word`. A first line that names a `label` column is a header, and then the columns may come in
/// any order (`word`, `form` or `token` for the word; `split`, `set` or `partition` for the split;
/// others are ignored). Splits are `train`, `dev` (or `validation`, `valid`, `val`) and `test`.
/// Empty lines at the end are ignored; an empty line before them is a row without a label (refused).
public struct LabelTable: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        public var label: String
        public var split: DataSplit?
        /// The word, when the table has a word column (the control task's word type).
        public var word: String?
        /// 1-based line in the file.
        public var line: Int
    }

    public var rows: [Row]
    /// The label column's name (`label`, or the header's).
    public var labelName: String
    public var hasSplits: Bool
    public var hasWords: Bool

    /// Reads a table file.
    ///
    /// - Throws: ``ActivationImportError`` naming the file and line; a file error as "path: reason".
    public static func read(_ url: URL) throws -> LabelTable {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ActivationImportError.unsupportedLabels(url, reason: "not UTF-8 text (one label per line, tab-separated columns)")
        }
        return try parse(text, url: url)
    }

    /// Parses a table's text (see the type's documentation).
    public static func parse(_ text: String, url: URL) throws -> LabelTable {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let first = lines.first else { throw ActivationImportError.singleClass(labels: url, label: nil) }
        let headerFields = first.split(separator: "\t", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let labelColumn: Int, splitColumn: Int?, wordColumn: Int?, labelName: String, firstRow: Int
        if let index = headerFields.firstIndex(where: { ["label", "labels"].contains($0) }) {
            labelColumn = index
            splitColumn = headerFields.firstIndex { ["split", "set", "partition"].contains($0) }
            wordColumn = headerFields.firstIndex { ["word", "form", "token"].contains($0) }
            labelName = first.split(separator: "\t", omittingEmptySubsequences: false)[index].trimmingCharacters(in: .whitespaces)
            firstRow = 1
        } else {
            labelColumn = 0
            splitColumn = headerFields.count >= 2 ? 1 : nil
            wordColumn = headerFields.count >= 3 ? 2 : nil
            labelName = "label"
            firstRow = 0
        }
        let needed = max(labelColumn, splitColumn ?? 0, wordColumn ?? 0) + 1
        let columnNames = firstRow == 1 ? "" : " (" + ["label", "split", "word"].prefix(needed).joined(separator: ", ") + ")"
        var rows: [Row] = []
        rows.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated().dropFirst(firstRow) {
            let number = offset + 1
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= needed else {
                throw ActivationImportError.malformedLine(
                    labels: url, line: number,
                    reason: "\(fields.count) tab-separated column\(fields.count == 1 ? "" : "s"), expected \(needed)\(columnNames) as on line \(firstRow + 1)")
            }
            let label = fields[labelColumn].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { throw ActivationImportError.malformedLine(labels: url, line: number, reason: "empty label") }
            var split: DataSplit?
            if let splitColumn {
                let value = fields[splitColumn].trimmingCharacters(in: .whitespaces)
                guard let parsed = Self.split(named: value) else {
                    throw ActivationImportError.unknownSplit(labels: url, line: number, value: value)
                }
                split = parsed
            }
            rows.append(Row(label: label, split: split, word: wordColumn.map { String(fields[$0]) }, line: number))
        }
        return LabelTable(rows: rows, labelName: labelName, hasSplits: splitColumn != nil, hasWords: wordColumn != nil)
    }

    /// `train`, `dev`, `validation`, `valid`, `val`, `test` (any case) → the split.
    public static func split(named name: String) -> DataSplit? {
        switch name.lowercased() {
        case "train", "training": return .train
        case "dev", "validation", "valid", "val": return .dev
        case "test": return .test
        default: return nil
        }
    }
}
