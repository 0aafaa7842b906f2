import Foundation
import Corpora

/// Analyses forms with an Apertium morphological transducer (`*.automorf.bin` from the Debian
/// language pairs), running `lt-proc` as a real process on one batch of forms at a time.
///
/// ```swift
/// let apertium = try ApertiumAnalyser(language: "Spanish")
/// try apertium.analyse(["canciones"])  // [[canción {Number: PL, Gender: FEM}]]
/// ```
public struct ApertiumAnalyser: MorphologicalAnalyser {
    /// The transducer file.
    public var transducer: URL
    /// The `lt-proc` executable.
    public var program: URL
    public var name: String

    /// Where each supported language's analyser lives: (Debian package, file in /usr/share/apertium/<package>/).
    public static let transducers: [String: (package: String, file: String)] = [
        "English": ("apertium-eng-spa", "eng-spa.automorf.bin"),
        "Spanish": ("apertium-eng-spa", "spa-eng.automorf.bin"),
        "French": ("apertium-fr-es", "fr-es.automorf.bin"),
    ]

    /// The analyser of `language`.
    ///
    /// - Parameter root: where the Debian packages put their data (default `/usr/share/apertium`).
    /// - Throws: ``AnalyserError`` when the language has no analyser or a file or `lt-proc` is missing.
    public init(language: String, root: URL = URL(fileURLWithPath: "/usr/share/apertium")) throws {
        guard let entry = Self.transducers[language] else { throw AnalyserError.unsupportedLanguage(language, analyser: "apertium") }
        let url = root.appendingPathComponent(entry.package).appendingPathComponent(entry.file)
        guard FileManager.default.fileExists(atPath: url.path) else { throw AnalyserError.missingTransducer(url, package: entry.package) }
        guard let program = Self.findProgram("lt-proc") else { throw AnalyserError.missingProgram("lt-proc") }
        transducer = url
        self.program = program
        name = "apertium:" + url.deletingPathExtension().deletingPathExtension().lastPathComponent
    }

    /// The first executable `name` on `PATH`.
    static func findProgram(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin"] {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    public func analyse(_ forms: [String]) throws -> [[MorphologicalReading]] {
        guard !forms.isEmpty else { return [] }
        // Empty or whitespace forms would not yield a line: analyse the rest.
        let usable = forms.indices.filter { !forms[$0].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let input = usable.map { Self.escape(forms[$0]) }.joined(separator: "\n") + "\n"
        let output = try run(input)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast(output.hasSuffix("\n") ? 1 : 0)
        guard lines.count == usable.count else {
            throw AnalyserError.misalignedOutput(program: "lt-proc", expected: usable.count, got: lines.count)
        }
        var result = [[MorphologicalReading]](repeating: [], count: forms.count)
        for (index, line) in zip(usable, lines) { result[index] = Self.parse(line: String(line)) }
        return result
    }

    /// Runs `lt-proc transducer input output` on temporary files (no pipe can fill up).
    private func run(_ input: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("apertium-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputURL = folder.appendingPathComponent("in.txt"), outputURL = folder.appendingPathComponent("out.txt")
        try Data(input.utf8).write(to: inputURL)
        let process = Process()
        process.executableURL = program
        process.arguments = [transducer.path, inputURL.path, outputURL.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw AnalyserError.missingProgram(program.path) }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            // Keep the input for the user to inspect.
            let kept = FileManager.default.temporaryDirectory.appendingPathComponent("apertium-failed-input-\(getpid()).txt")
            try? FileManager.default.removeItem(at: kept)
            try? FileManager.default.copyItem(at: inputURL, to: kept)
            throw AnalyserError.processFailed(program: program.path, status: process.terminationStatus,
                                              stderr: String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                                                  + " (input kept in \(kept.path))")
        }
        return String(decoding: try Data(contentsOf: outputURL), as: UTF8.self)
    }

    /// Escapes the characters that Apertium's stream format reserves.
    /// Works on Unicode scalars: `$` followed by a combining mark is one Character in Swift.
    static func escape(_ form: String) -> String {
        var out = String.UnicodeScalarView()
        let reserved = Set("\\^$/<>{}[]@*#+~".unicodeScalars)
        for scalar in form.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\0" { out.append(" "); continue }
            if reserved.contains(scalar) { out.append("\\") }
            out.append(scalar)
        }
        return String(out)
    }

    /// Splits on `separator` outside backslash escapes.
    static func split(_ text: Substring, on separator: Unicode.Scalar) -> [Substring] {
        var parts: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, index = scalars.startIndex, escaped = false
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == separator {
                parts.append(Substring(scalars[start..<index])); start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        parts.append(Substring(scalars[start...]))
        return parts
    }

    /// The readings of one output line `^form/lemma<tag><tag>/…$`. A line with no lexical unit,
    /// with several (the form split into words), or with an unknown word (`*form`) gives none.
    public static func parse(line: String) -> [MorphologicalReading] {
        let scalars = line.trimmingCharacters(in: .whitespaces).unicodeScalars
        guard scalars.count >= 2, scalars.first == "^", scalars.last == "$" else { return [] }
        let body = Substring(scalars.dropFirst().dropLast())
        // Another unit inside: `…$^…` not escaped.
        if split(body, on: "$").count > 1 { return [] }
        let fields = split(body, on: "/")
        guard fields.count >= 2 else { return [] }
        var readings: [MorphologicalReading] = []
        for field in fields.dropFirst() {
            guard !field.hasPrefix("*"), let reading = reading(String(field)) else { continue }
            if !readings.contains(reading) { readings.append(reading) }
        }
        return readings
    }

    /// One analysis `lemma<tag>…` (a `+`-joined compound keeps its first part; `#` joins the
    /// invariable part of a multiword lemma).
    static func reading(_ analysis: String) -> MorphologicalReading? {
        let first = String(split(Substring(analysis), on: "+")[0])
        let parts = split(Substring(first), on: "<")
        guard parts.count >= 2 else { return nil }
        var lemma = String(parts[0]).replacingOccurrences(of: "\\", with: "")
        var tags: [String] = []
        for part in parts.dropFirst() {
            let pieces = split(part, on: ">")
            tags.append(String(pieces[0]))
            // `#` after the tags: the invariable part of a multiword lemma ("take<vblex># out").
            if pieces.count > 1, let hash = pieces[1].unicodeScalars.firstIndex(of: "#") {
                lemma += " " + String(pieces[1].unicodeScalars[pieces[1].unicodeScalars.index(after: hash)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        guard !lemma.isEmpty else { return nil }
        return MorphologicalReading(lemma: lemma, values: uniMorphValues(tags))
    }

    /// Apertium tags → UniMorph values (Number, Gender, Tense); other tags are ignored.
    public static let tagMap: [String: [(UniMorphAttribute, String)]] = [
        "sg": [(.number, "SG")], "pl": [(.number, "PL")], "sp": [(.number, "SG"), (.number, "PL")],
        "m": [(.gender, "MASC")], "f": [(.gender, "FEM")], "nt": [(.gender, "NEUT")],
        "mf": [(.gender, "MASC"), (.gender, "FEM")],
        // English present / past; Romance present, imperfect, preterite, future (indicative and subjunctive).
        "pres": [(.tense, "PRS")], "pri": [(.tense, "PRS")], "prs": [(.tense, "PRS")], "pprs": [(.tense, "PRS")],
        "past": [(.tense, "PST")], "pii": [(.tense, "PST")], "ifi": [(.tense, "PST")], "pis": [(.tense, "PST")],
        "pp": [(.tense, "PST")],
        "fti": [(.tense, "FUT")], "fts": [(.tense, "FUT")], "fut": [(.tense, "FUT")],
    ]

    /// The UniMorph values of a list of Apertium tags.
    public static func uniMorphValues(_ tags: [String]) -> [UniMorphAttribute: Set<String>] {
        var values: [UniMorphAttribute: Set<String>] = [:]
        for tag in tags { for (attribute, value) in tagMap[tag] ?? [] { values[attribute, default: []].insert(value) } }
        return values
    }
}
