import Core
import Foundation

/// `workbench data`: the treebanks under a UD root and, per language, the attributes and values
/// that survive filtering, with token and type counts per split.
enum DataCommand: Command {
    static let name = "data"
    static let summary = "list treebanks, splits and the attribute values that survive filtering"
    static let usage = """
        usage: workbench data [options]

        Reads the UD treebanks of each language, maps their features to UniMorph, splits them into
        train/dev/test and reports, per attribute, the values carried by at least --min-types word
        types in every split (Antverg & Belinkov 2022, App. A.2), with what was dropped.

        options:
          --ud-root PATH       UD root (default $UD_ROOT, else <shared>/ud)
          --shared PATH        shared data folder with data/ud-unimorph-mapping.tsv and
                               data/unimorph-tags.yaml (default $NEURON_SHARED, else ../shared)
          --language L         a language name or code; repeatable or comma-separated (default all)
          --treebanks T        treebanks to pool, e.g. EWT,GUM (default: those with train/dev/test
                               if any, else all of the language's)
          --attributes A       attributes, e.g. Number,Case,pos (default the \(DatasetSettings().attributes.count) studied)
          --min-types N        minimum distinct word types per split for a value (default \(DatasetSettings().minTypes))
          --resplit            re-split even when the treebanks have train/dev/test
          --split TR/DV/TE     re-split percentages (default \(SplitRecipe.defaultHashed.percentages))
          --split-seed N       seed of the re-split (default \(SplitRecipe.defaultHashed.seed))
          --drops N            mapping drops to list per language (default \(defaultDrops))
          --lookup FORM        also show the lexicon analyses of FORM (repeatable)
          --json               print the report as JSON
        """

    /// Mapping drops listed per language without `--drops`.
    static let defaultDrops = 5

    static func run(_ arguments: inout ArgumentList) throws {
        let shared = SharedData(root: try arguments.option("shared").map { URL(fileURLWithPath: $0, isDirectory: true) })
        let udRoot = try arguments.option("ud-root").map { URL(fileURLWithPath: $0, isDirectory: true) } ?? shared.udRoot()
        let languages = try arguments.options("language")
        let treebanks = try arguments.options("treebanks")
        let attributeNames = try arguments.options("attributes")
        let minTypes = try arguments.intOption("min-types", default: DatasetSettings().minTypes)
        let resplit = arguments.flag("resplit")
        let splitText = try arguments.option("split")
        let seedText = try arguments.option("split-seed")
        let dropCount = try arguments.intOption("drops", default: defaultDrops)
        let lookups = try arguments.options("lookup")
        let json = arguments.flag("json")
        try arguments.finish()

        guard minTypes >= 0 else { throw UsageError("option --min-types must be ≥ 0, got \(minTypes)") }
        var seed = SplitRecipe.defaultHashed.seed
        if let seedText {
            guard let value = UInt64(seedText) else { throw UsageError("option --split-seed expects a non-negative integer, got '\(seedText)'") }
            seed = value
        }
        var recipe: SplitRecipe?
        if resplit || splitText != nil {
            let standard = SplitRecipe.defaultHashed
            let fractions = try splitText.map(parseFractions) ?? [standard.train, standard.dev, standard.test]
            recipe = try SplitRecipe.hashed(seed: seed, train: fractions[0], dev: fractions[1], test: fractions[2])
        }

        let started = Date()
        let mapping = try UniMorphMapping.load(from: shared)
        let attributes = try attributeNames.isEmpty
            ? DatasetSettings().attributes
            : attributeNames.map { try UniMorphAttribute.parse($0, among: mapping.tagSet.attributes) }
        let settings = DatasetSettings(minTypes: minTypes, attributes: attributes)
        let registry = try CorpusRegistry.scan(udRoot)
        if !treebanks.isEmpty && languages.count != 1 {
            throw UsageError("option --treebanks needs exactly one --language")
        }
        let summaries = try registry.summaries(
            languages: languages, treebanks: treebanks.isEmpty ? nil : treebanks, recipe: recipe, seed: seed,
            mapping: mapping, settings: settings)
        var lexiconReport: [LookupReport] = []
        if !lookups.isEmpty {
            for summary in summaries {
                let corpus = try LanguageCorpus.load(
                    language: summary.language, from: registry, treebanks: treebanks.isEmpty ? nil : treebanks,
                    recipe: recipe, seed: seed)
                let lexicon = Lexicon(corpus: corpus, mapping: mapping)
                for form in lookups {
                    lexiconReport.append(LookupReport(language: summary.language, form: form, analyses: lexicon.analyses(of: form, ignoringCase: true)))
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)

        if json {
            let report = Report(udRoot: udRoot.path, settings: settings, languages: summaries, ignoredFiles: registry.ignoredFiles.map(\.path), lookups: lexiconReport)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print(render(summaries, registry: registry, udRoot: udRoot, settings: settings, dropCount: dropCount))
        for lookup in lexiconReport { print(render(lookup)) }
        print(String(format: "(%d languages in %.2f s)", summaries.count, elapsed))
    }

    /// `80/10/10` or `0.8,0.1,0.1` → fractions summing to 1.
    static func parseFractions(_ text: String) throws -> [Double] {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "," })
        let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, values.count == 3, values.allSatisfy({ $0 >= 0 }) else {
            throw UsageError("option --split expects three numbers like 80/10/10, got '\(text)'")
        }
        let total = values.reduce(0, +)
        guard total > 0 else { throw UsageError("option --split: the parts sum to zero") }
        return values.map { $0 / total }
    }

    // MARK: - JSON

    struct Report: Encodable {
        var udRoot: String
        var settings: DatasetSettings
        var languages: [LanguageSummary]
        var ignoredFiles: [String]
        var lookups: [LookupReport]
    }

    struct LookupReport: Encodable {
        var language: String
        var form: String
        var analyses: [LexiconEntry]
    }

    // MARK: - Text

    static func render(
        _ summaries: [LanguageSummary], registry: CorpusRegistry, udRoot: URL, settings: DatasetSettings, dropCount: Int
    ) -> String {
        var out = "UD root: \(udRoot.path)\n"
        out += "values kept when ≥ \(settings.minTypes) distinct word types (\(DatasetSettings.typeUnit)) carry them in every split\n\n"
        var overview = TextTable(["language", "treebanks", "split", "sentences", "words", "tasks"], rightAligned: [3, 4, 5])
        for summary in summaries {
            overview.add([
                summary.language,
                summary.treebanks.map { $0.split(separator: "-").last.map(String.init) ?? $0 }.joined(separator: "+"),
                summary.recipe.method == .original ? "original" : "re-split",
                format(summary.sentences.total), format(summary.words.total),
                String(summary.attributes.filter(\.isTask).count),
            ])
        }
        out += overview.render() + "\n"
        if !registry.ignoredFiles.isEmpty {
            out += "ignored (no -ud-train/dev/test in the name): " + registry.ignoredFiles.map(\.lastPathComponent).joined(separator: ", ") + "\n"
        }
        for summary in summaries {
            out += "\n" + render(summary, dropCount: dropCount)
        }
        return out
    }

    static func render(_ summary: LanguageSummary, dropCount: Int) -> String {
        let rule = String(repeating: "─", count: 78)
        var out = "\(rule)\n\(summary.language): \(summary.treebanks.joined(separator: " + ")) — \(summary.split)\n"
        let unused = summary.availableTreebanks.filter { !summary.treebanks.contains($0) }
        if !unused.isEmpty { out += "not pooled: \(unused.joined(separator: ", "))\n" }
        var files = TextTable(["treebank", "file", "sentences", "words", "→ train/dev/test", "reader dropped"], rightAligned: [2, 3, 4])
        for file in summary.files {
            let dropped = file.readerDropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            files.add([file.treebank, file.file, format(file.sentences), format(file.words), triple(file.sentencesBySplit), dropped.isEmpty ? "—" : dropped])
        }
        files.add(["total", "sentences", "", "", triple(summary.sentences), ""])
        files.add(["", "words", "", "", triple(summary.words), ""])
        out += files.render() + "\n\n"

        var table = TextTable(["attribute", "value", "tokens train/dev/test", "types train/dev/test"], rightAligned: [2, 3])
        var notes: [String] = []
        for attribute in summary.attributes {
            let kept = attribute.keptValues
            let name = attribute.attribute.rawValue + (attribute.isTask ? "" : " *")
            if kept.isEmpty {
                if let best = attribute.values.max(by: { $0.types.minimum < $1.types.minimum }) {
                    table.add([name, "(none)", "best: \(best.value)", triple(best.types)])
                } else {
                    table.add([name, "(not annotated)", "", ""])
                }
            }
            for (index, value) in kept.enumerated() {
                table.add([index == 0 ? name : "", value.value, triple(value.tokens), triple(value.types)])
            }
            let dropped = attribute.droppedValues.map { "\($0.value) \(triple($0.types))" }
            if !dropped.isEmpty && !kept.isEmpty {
                notes.append("\(attribute.attribute.rawValue): dropped values (types) \(dropped.joined(separator: ", "))")
            }
            if attribute.conflicts.total > 0 {
                notes.append("\(attribute.attribute.rawValue): \(format(attribute.conflicts.total)) words with conflicting values left out")
            }
        }
        out += table.render() + "\n"
        out += "  * fewer than \(summary.settings.minValues) values survive: not a task\n"
        if !notes.isEmpty { out += "\n" + notes.joined(separator: "\n") + "\n" }
        if dropCount > 0 && !summary.mappingDrops.isEmpty {
            var byReason: [UniMorphDropReason: Int] = [:]
            for drop in summary.mappingDrops { byReason[drop.reason, default: 0] += drop.count }
            out += "UD features without a UniMorph value: "
                + byReason.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \(format($0.value))" }.joined(separator: ", ")
                + "; most frequent: "
                + summary.mappingDrops.prefix(dropCount).map { "\($0.source) \(format($0.count))" }.joined(separator: ", ")
                + "\n"
        }
        return out
    }

    static func render(_ lookup: LookupReport) -> String {
        var table = TextTable(["\(lookup.language) '\(lookup.form)'", "lemma", "UPOS", "UniMorph", "count"], rightAligned: [4])
        if lookup.analyses.isEmpty { table.add(["", "(not in the lexicon)", "", "", ""]) }
        for entry in lookup.analyses {
            table.add(["", entry.lemma ?? "_", entry.upos ?? "_", entry.bundle.isEmpty ? "_" : entry.bundle, String(entry.count)])
        }
        return "\n" + table.render()
    }

    static func triple(_ counts: SplitCounts) -> String {
        "\(format(counts.train))/\(format(counts.dev))/\(format(counts.test))"
    }

    static func format(_ value: Int) -> String {
        var digits = Array(String(value))
        var index = digits.count - 3
        while index > 0 && digits[index - 1] != "-" {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }
}

/// A plain-text table with columns padded to their widest cell.
private struct TextTable {
    var header: [String]
    var rightAligned: Set<Int>
    var rows: [[String]] = []

    init(_ header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return rightAligned.contains(index) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(header), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.map { "  " + $0 }.joined(separator: "\n")
    }
}
