/// Aligned plain-text tables for terminals and reports: first row is the header.
public enum TextTable {
    /// Renders rows with columns padded to their widest cell; numbers are right-aligned.
    public static func render(_ rows: [[String]], separator: String = "  ") -> String {
        guard let header = rows.first else { return "" }
        let columnCount = rows.map(\.count).max() ?? header.count
        var widths = [Int](repeating: 0, count: columnCount)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func isNumeric(_ cell: String) -> Bool {
            guard let first = cell.first else { return false }
            return first.isNumber || ((first == "-" || first == "+") && cell.dropFirst().first?.isNumber == true)
        }
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            var cells: [String] = []
            for column in 0..<columnCount {
                let cell = column < row.count ? row[column] : ""
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                cells.append(index > 0 && isNumeric(cell) ? pad + cell : cell + pad)
            }
            lines.append(cells.joined(separator: separator).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            if index == 0 { lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: separator)) }
        }
        return lines.joined(separator: "\n")
    }
}
