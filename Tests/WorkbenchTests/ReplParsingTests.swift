import DSL
import Foundation
import Testing

/// The REPL's reading of DSL lines and verbs, as pure functions, errors included.
@Suite("REPL parsing")
struct ReplParsingTests {
    @Test("a component line reads into the same component a script writes", arguments: [
        "Layers(7)", "Layers(0...12, concatenated: true)", "Rank(.probeless, .gaussian)", "Rank(.linearWeightMass)",
        "Probe(.linear, .gaussian, neurons: 1...150)", "Probe(.gaussian, neurons: [10, 50, 150])",
        "Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 300, by: 10))", "Intervene(.ablate)",
        "Intervene(.translateUnscaled(beta: 2.5), on: [.number, .gender])", "Model(.minilm)", "Model(.local(\"/models/bert\"))",
        "Languages(.english, .spanish)", "Attributes(.number, .partOfSpeech)", "Control(.empirical)", "Durrani(.every)",
        "Report(.accuracyCurves, .overlaps)", "MinTypes(50)", "Seed(3)", "Output(\"results/x\")",
        "Activations(npy: \"acts.npy\", labels: \"labels.tsv\")",
        "Activations(npy: [\"x/layer-04.npy\", \"x/layer-08.npy\"], labels: \"l.tsv\", layers: [4, 8], splitSeed: 2, concatenated: true)",
        "Activations(npy: \"a.npy\", conllu: [\"a.conllu\", \"b.conllu\"], attribute: .number, layer: 6)",
    ])
    func roundTrip(line: String) throws {
        let component = try ComponentReader.read(line)
        #expect(component.description == line)
    }

    @Test("typed values equal the builder's")
    func values() throws {
        let read = Study("r", components: try ["Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 300, by: 10))",
                                               "Layers(2, 4)", "Probe(.linear, neurons: 1..<4)"].map(ComponentReader.read))
        let built = Study("r") {
            Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 300, by: 10))
            Layers(2, 4)
            Probe(.linear, neurons: [1, 2, 3])
        }
        #expect(read.settings == built.settings)
    }

    @Test("errors name the problem and point at its column")
    func errors() {
        func error(_ line: String) -> LineError? {
            do { _ = try ComponentReader.read(line); return nil } catch { return error as? LineError }
        }
        let ranking = error("Rank(.probless)")
        #expect(ranking == LineError("unknown ranking 'probless' — did you mean 'probeless'?", column: 6, length: 8))
        #expect(ranking?.rendered(line: "Rank(.probless)") == "error: unknown ranking 'probless' — did you mean 'probeless'?\n  Rank(.probless)\n        ^^^^^^^^")
        #expect(error("Layer(7)")?.message == "unknown component 'Layer' — did you mean 'Layers'?")
        #expect(error("Layers(7")?.message == "expected ')' but the line ends")
        #expect(error("Layers(7")?.column == 8)
        #expect(error("Intervene(.translate)")?.message == ".translate needs β: .translate(beta: 8)")
        #expect(error("Probe(.linear, neurons: stride(from: 0, to: 9))")?.message == "stride needs from:, through: (or to:) and by:")
        #expect(error("Layers(7, depth: 2)")?.message == "Layers has no argument 'depth'")
        #expect(error("Model(.gpt2)")?.message.hasPrefix("unknown model 'gpt2'") == true)
        #expect(error("Layers(3...1)")?.message == "empty range 3...1")
        #expect(error("Probe(.linear, neurons: 1...9223372036854775807)")?.message == "the range 1...9223372036854775807 holds more than 1000000 values")
        #expect(error("Probe(.linear, neurons: stride(from: 0, through: 9000000000, by: 3))")?.message
                == "the stride from 0 to 9000000000 by 3 holds more than 1000000 values")
        #expect(error("Layers(7) x")?.message == "unexpected 'x' after the component")
        #expect(error("Rank(.linear @)")?.message == "unexpected character '@'")
    }

    @Test("verbs are checked before any work, with a caret under the word")
    func verbs() {
        let session = Session()
        func error(_ line: String) -> LineError? {
            do { _ = try session.evaluate(line); return nil } catch { return error as? LineError }
        }
        #expect(error("tpo 10") == LineError("unknown command 'tpo' — did you mean 'top'?", column: 0, length: 3))
        #expect(error("top 10")?.message == "no config selected — first: use minilm en Number 4")
        #expect(error("use minilm xx Number 4") == LineError(
            "unknown language 'xx'; expected one of Arabic, Bulgarian, English, Finnish, French, Hindi, Russian, Spanish, Turkish, ar, bg, en, es, fi, fr, hi, ru, tr",
            column: 11, length: 2))
        #expect(error("use minilm en Nmuber 4")?.message == "unknown attribute 'Nmuber' — did you mean 'Number'?")
        #expect(error("use minilm en Number four")?.column == 21)
        #expect(error("Intervene(.translate(beta: -1))") == nil)   // a StudyError, not a LineError:
        #expect(throws: StudyError.invalidValue(component: "Intervene", problem: "β must be positive, not -1.0")) {
            try session.evaluate("Intervene(.translate(beta: -1))")
        }
        #expect(Session.split("use a b c 1; Rank(.linear); top 5") == ["use a b c 1", " Rank(.linear)", " top 5"])
    }

    @Test("verb lines split like a shell: quotes keep spaces, a backslash escapes, an open quote is an error")
    func words() throws {
        func texts(_ line: String) throws -> [String] { try Session.words(in: line).map(\.text) }
        #expect(try texts(#"export "/path with spaces/x""#) == ["export", "/path with spaces/x"])
        #expect(try texts("export '/a b'/c  d") == ["export", "/a b/c", "d"])
        #expect(try texts(#"export /a\ b "say \"hi\"" 'it\s'"#) == ["export", "/a b", #"say "hi""#, #"it\s"#])
        #expect(try Session.words(in: #"top "20" x"#) == [Session.Word("top", column: 0, length: 3),
                                                           Session.Word("20", column: 4, length: 4), Session.Word("x", column: 9, length: 1)])
        #expect(throws: LineError("the quote \" is never closed", column: 7)) { try Session.words(in: #"export "/a b"#) }
        #expect(throws: LineError("a backslash ends the line (nothing to escape)", column: 8)) { try Session.words(in: #"export a\"#) }
        #expect(Session.split(#"export "a;b"; help"#) == [#"export "a;b""#, " help"])
        #expect(Session.split("export 'a;b'; help") == ["export 'a;b'", " help"])
        #expect(Session.split(#"export a\;b; help"#) == [#"export a\;b"#, " help"])
    }

    @Test("empty commands between separators are skipped; quit takes no arguments; a seed is never negative")
    func separatorsQuitAndSeed() throws {
        let session = Session()
        #expect(try session.evaluate(";;;;").text == "")
        #expect(try session.evaluate(" ; ;").quits == false)
        #expect(try session.evaluate("help;;help").text == Session.help(nil) + "\n" + Session.help(nil))
        #expect(try session.evaluate("help;").text == Session.help(nil))
        #expect(throws: LineError("quit takes no arguments", column: 5, length: 10)) { try session.evaluate("quit extra more") }
        #expect(try session.evaluate("quit").quits)
        #expect(try session.evaluate("help; quit; tpo").quits)
        #expect(throws: LineError("a seed is a whole number ≥ 0, not -1", column: 5, length: 2)) { try ComponentReader.read("Seed(-1)") }
        #expect(try ComponentReader.read("Seed(0)").description == "Seed(0)")
    }

    @Test("a Model line the session cannot open is refused and leaves the study as it was")
    func rejectedModel() throws {
        let session = Session()
        let before = try session.evaluate("show study").text
        #expect(throws: StudyError.modelNotFound(name: "/nonexistent", folder: "/nonexistent")) {
            try session.evaluate(#"Model(.local("/nonexistent"))"#)
        }
        #expect(try session.evaluate("show study").text == before)
        #expect(!before.contains("nonexistent"))
    }

    @Test("completion offers verbs, components, cases and names")
    func completion() {
        let session = Session()
        #expect(session.completions(for: "ov") == ["overlap"])
        #expect(session.completions(for: "Ra") == ["Rank("])
        #expect(session.completions(for: "Rank(.pro") == [".probeless"])
        #expect(session.completions(for: "Rank(.linear, .g") == [".gaussian"])
        #expect(session.completions(for: "Attributes(.n") == [".number"])
        #expect(session.completions(for: "use minilm e") == ["en", "es", "English"])
        #expect(session.completions(for: "plot a") == ["accuracy"])
        #expect(session.completions(for: "Intervene(.tr") == [".translate", ".translateUnscaled"])
    }
}
