/// Legend entries as terminal lines: "── name  ┈┈ other", wrapped to a width, the samples
/// coloured when colour is on.
///
/// ```swift
/// let legend = TerminalLegend(entries: entries, width: 80)
/// legend.draw(into: &canvas, row: canvas.height - legend.lines.count, maxLines: 2)
/// ```
struct TerminalLegend {
    /// Entry indices per line.
    let lines: [[Int]]
    let entries: [LegendEntry]
    let names: [String]
    /// The sample drawn before each name.
    let samples: [String]

    /// Entries wrapped to `width`; `samples` replaces the entries' own samples (e.g. the fill
    /// characters that tell plain-text bar series apart).
    init(entries: [LegendEntry], width: Int, samples: [String]? = nil) {
        self.entries = entries
        let samples = samples ?? entries.map(\.terminalSample)
        self.samples = samples
        names = entries.indices.map { index in
            TerminalCanvas.fit(entries[index].name, width: max(width - samples[index].count - 1, 1))
        }
        var lines: [[Int]] = []
        var used = 0
        for index in entries.indices {
            let length = samples[index].count + 1 + names[index].count
            if lines.isEmpty || used + 2 + length > width {
                lines.append([index])
                used = length
            } else {
                lines[lines.count - 1].append(index)
                used += 2 + length
            }
        }
        self.lines = lines
    }

    /// Draws the first `maxLines` lines from `row` down.
    func draw(into canvas: inout TerminalCanvas, row: Int, maxLines: Int) {
        for (offset, line) in lines.prefix(maxLines).enumerated() {
            var column = 0
            for index in line {
                canvas.put(samples[index], row: row + offset, column: column, foreground: entries[index].color.ansi256)
                column += samples[index].count + 1
                canvas.put(names[index], row: row + offset, column: column)
                column += names[index].count + 2
            }
        }
    }
}
