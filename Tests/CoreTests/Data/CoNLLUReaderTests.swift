import Foundation
import Testing

@testable import Corpora

/// Writes `text` to a fresh temporary `.conllu` file and returns its URL.
func writeTemporaryCoNLLU(_ text: String, name: String = "sample.conllu") throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("conllu-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
}

/// Joins columns with tabs, so test sentences stay readable.
func row(_ columns: String...) -> String { columns.joined(separator: "\t") }

@Suite("CoNLL-U reader")
struct CoNLLUReaderTests {
    static let spanish = [
        "# newdoc id = d1",
        "# sent_id = es-1",
        "# text = Vino del mar.",
        row("1", "Vino", "venir", "VERB", "_", "Mood=Ind|Number=Sing|Person=3|Tense=Past", "0", "root", "_", "_"),
        row("2-3", "del", "_", "_", "_", "_", "_", "_", "_", "_"),
        row("2", "de", "de", "ADP", "_", "_", "4", "case", "_", "_"),
        row("3", "el", "el", "DET", "_", "Definite=Def|Gender=Masc|Number=Sing|PronType=Art", "4", "det", "_", "_"),
        row("4", "mar", "mar", "NOUN", "_", "Gender=Masc|Number=Sing", "1", "obl", "_", "SpaceAfter=No"),
        row("4.1", "vino", "venir", "VERB", "_", "_", "_", "_", "1:conj", "CopyOf=1"),
        row("5", ".", ".", "PUNCT", "_", "_", "1", "punct", "_", "_"),
        "",
        row("1", "_", "_", "SYM", "_", "_", "0", "root", "_", "_"),
        "",
    ].joined(separator: "\n")

    @Test("comments, multiword ranges, empty nodes and underscores")
    func readsEdgeCases() throws {
        let url = try writeTemporaryCoNLLU(Self.spanish, name: "es_test.conllu")
        let file = try CoNLLUReader.read(url)
        #expect(file.name == "es_test.conllu")
        #expect(file.sentences.count == 2)
        let first = file.sentences[0]
        #expect(first.id == "es-1")
        #expect(first.text == "Vino del mar.")
        #expect(first.comments == ["newdoc id = d1", "sent_id = es-1", "text = Vino del mar."])
        #expect(first.words.map(\.form) == ["Vino", "de", "el", "mar", "."])
        #expect(first.words.map(\.id) == [1, 2, 3, 4, 5])
        #expect(first.multiwordTokens == [MultiwordToken(range: 2...3, form: "del")])
        #expect(first.surfaceTokens.map(\.form) == ["Vino", "del", "mar", "."])
        #expect(first.reconstructedText == "Vino del mar.")
        #expect(first.words[0].features["Tense"] == "Past")
        #expect(first.words[1].features.isEmpty)
        #expect(first.words[1].xpos == nil)
        #expect(first.words[3].head == 1)
        #expect(first.words[3].misc == ["SpaceAfter": "No"])
        #expect(first.words[0].head == 0)
        #expect(file.dropped[.emptyNode] == 1)
        #expect(file.wordCount == 6)
    }

    @Test("a missing sent_id becomes file:line; an underscore form keeps its lemma")
    func missingSentenceID() throws {
        let url = try writeTemporaryCoNLLU(Self.spanish, name: "es_test.conllu")
        let second = try CoNLLUReader.read(url).sentences[1]
        #expect(second.id == "es_test.conllu:12")
        #expect(second.text == nil)
        #expect(second.words[0].form == "_")
        #expect(second.words[0].lemma == "_")
        #expect(second.line == 12)
    }

    @Test("no trailing blank line, CRLF endings and a byte-order mark")
    func lineEndings() throws {
        let text = "\u{FEFF}# sent_id = a\r\n" + row("1", "Hi", "hi", "INTJ", "UH", "_", "0", "root", "_", "_") + "\r\n\r\n"
            + "# sent_id = b\n" + row("1", "Yo", "_", "_", "_", "_", "_", "_", "_", "_")
        let file = try CoNLLUReader.parse(text, url: URL(fileURLWithPath: "/x/t.conllu"))
        #expect(file.sentences.map(\.id) == ["a", "b"])
        #expect(file.sentences[0].words[0].xpos == "UH")
        let bare = file.sentences[1].words[0]
        #expect(bare.lemma == nil && bare.upos == nil && bare.head == nil && bare.relation == nil)
    }

    @Test("blocks without words are counted, not silently skipped")
    func sentenceWithoutWords() throws {
        let text = "# sent_id = lonely\n\n\n# sent_id = b\n" + row("1", "x", "x", "X", "_", "_", "0", "root", "_", "_") + "\n"
        let file = try CoNLLUReader.parse(text, url: URL(fileURLWithPath: "/t.conllu"))
        #expect(file.sentences.count == 1)
        #expect(file.dropped[.sentenceWithoutWords] == 1)
    }

    static func error(for text: String) -> CoNLLUError? {
        do {
            _ = try CoNLLUReader.parse(text, url: URL(fileURLWithPath: "/data/bad.conllu"))
            return nil
        } catch let error as CoNLLUError {
            return error
        } catch {
            return nil
        }
    }

    static let good = row("1", "a", "a", "X", "_", "_", "0", "root", "_", "_")

    @Test("a line with too few columns names file and line")
    func wrongFieldCount() {
        let error = Self.error(for: "# sent_id = s\n\(Self.good)\n2\tb\tb\tX\n")
        #expect(error == .wrongFieldCount(file: "bad.conllu", line: 3, found: 4))
        #expect(error?.description == "bad.conllu:3: expected 10 tab-separated columns, found 4")
    }

    @Test("malformed lines throw with the right line and column", arguments: [
        ("\(good)\n" + row("x", "b", "b", "X", "_", "_", "1", "dep", "_", "_"), 2, 1),
        ("\(good)\n" + row("3", "b", "b", "X", "_", "_", "1", "dep", "_", "_"), 2, 1),
        ("\(good)\n" + row("2", "b", "b", "X", "_", "_", "one", "dep", "_", "_"), 2, 13),
        ("\(good)\n" + row("2", "b", "b", "X", "_", "Number", "1", "dep", "_", "_"), 2, 11),
        ("\(good)\n" + row("2", "b", "b", "X", "_", "Case=Nom|=x", "1", "dep", "_", "_"), 2, 20),
        ("\(good)\n" + row("2", "", "b", "X", "_", "_", "1", "dep", "_", "_"), 2, 3),
        ("\(good)\n" + row("3-2", "b", "_", "_", "_", "_", "_", "_", "_", "_"), 2, 1),
        ("\n\n\(good)\n" + row("2", "b", "b", "X", "_", "_", "9", "dep", "_", "_"), 4, 13),
    ])
    func malformed(text: String, line: Int, column: Int) {
        let error = Self.error(for: text)
        #expect(error != nil)
        #expect(error?.location.file == "bad.conllu")
        #expect(error?.location.line == line)
        #expect(error?.location.column == column)
    }

    @Test("a HEAD past the sentence's words says so, with file, line and column")
    func headPastSentence() {
        let text = "# sent_id = s\n\(Self.good)\n" + row("2", "b", "b", "X", "_", "_", "42", "dep", "_", "_") + "\n\n"
        let error = Self.error(for: text)
        #expect(error == .headPastSentence(file: "bad.conllu", line: 3, column: 13, head: 42, wordCount: 2))
        #expect(error?.description == "bad.conllu:3:13: HEAD 42 is past the end of the sentence, which has 2 words")
    }

    @Test("a device, a folder or a missing path is named as given, with the reason", arguments: [
        ("/dev/null", "/dev/null: cannot read CoNLL-U file: a device, not a regular file"),
        ("/tmp", "/tmp: cannot read CoNLL-U file: a folder, not a CoNLL-U file"),
        ("/nonexistent/missing.conllu", "/nonexistent/missing.conllu: cannot read CoNLL-U file: no such file"),
    ])
    func notARegularFile(path: String, message: String) {
        let error = #expect(throws: CoNLLUError.self) { try CoNLLUReader.read(URL(fileURLWithPath: path)) }
        #expect(error?.description == message)
    }

    @Test("a multiword range past the sentence's last word is an error")
    func rangePastEnd() {
        let text = row("1-2", "ab", "_", "_", "_", "_", "_", "_", "_", "_") + "\n\(Self.good)\n\n"
        #expect(Self.error(for: text) == .badRange(file: "bad.conllu", line: 1, column: 1, text: "1-2"))
    }

    @Test("an unreadable file names the file")
    func unreadable() {
        #expect(throws: CoNLLUError.self) {
            try CoNLLUReader.read(URL(fileURLWithPath: "/nonexistent/missing.conllu"))
        }
    }

    @Test("every shared treebank parses", .enabled(if: DataTestSupport.hasSharedTreebanks, "needs ../shared/ud (or $NEURON_SHARED); skipped"))
    func sharedTreebanks() throws {
        let registry = try #require(DataTestSupport.sharedRegistry)
        let urls = registry.treebanks.flatMap { treebank in treebank.splits.compactMap { treebank.files[$0] } }
        #expect(urls.count >= 16)
        let files = try CoNLLUReader.readAll(urls)
        for file in files {
            #expect(!file.sentences.isEmpty, Comment(rawValue: file.name))
            #expect(file.sentences.allSatisfy { !$0.words.isEmpty && $0.words.last?.id == $0.words.count }, Comment(rawValue: file.name))
        }
        let spanish = try #require(files.first { $0.name == "es_gsd-ud-dev.conllu" })
        #expect(spanish.sentences.contains { !$0.multiwordTokens.isEmpty })
        #expect(files.reduce(0) { $0 + $1.wordCount } > 400_000)
    }
}
