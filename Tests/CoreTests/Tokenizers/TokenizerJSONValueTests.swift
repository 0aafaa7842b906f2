import Foundation
import Testing
@testable import Models

@Suite("Tokenizer JSON parser")
struct TokenizerJSONValueTests {
    @Test("numbers keep every bit (Viterbi ties depend on it)")
    func exactDoubles() throws {
        let value = try JSONValue.parse(Array("[-3.5911920070648193, -7.45043420791626, 1e-3, 42]".utf8))
        guard case let .array(numbers) = value else { Issue.record("not an array"); return }
        let doubles = numbers.compactMap { if case let .number(x) = $0 { return x } else { return nil } }
        #expect(doubles == [-3.5911920070648193, -7.45043420791626, 0.001, 42])
    }

    @Test("string escapes, surrogate pairs and raw UTF-8")
    func strings() throws {
        let value = try JSONValue.parse(Array(#"{"k": "a\"b\\c\/\n\t\u00e9\ud83d\ude00▁"}"#.utf8))
        guard case let .object(object) = value, case let .string(string)? = object["k"] else {
            Issue.record("not an object with a string"); return
        }
        #expect(string == "a\"b\\c/\n\té😀▁")
    }

    @Test("literals, nesting and empty containers")
    func structure() throws {
        let value = try JSONValue.parse(Array(#" {"a": [true, false, null, {}, []]} "#.utf8))
        guard case let .object(object) = value, case let .array(items)? = object["a"] else {
            Issue.record("wrong shape"); return
        }
        #expect(items.count == 5)
    }

    @Test("syntax errors carry the byte offset", arguments: [("{\"a\": }", 6), ("[1, 2", 5), ("{\"a\": 1} x", 9), ("\"abc", 4)])
    func errors(text: String, offset: Int) {
        do {
            _ = try JSONValue.parse(Array(text.utf8))
            Issue.record("\(text) parsed")
        } catch let error as JSONValue.SyntaxError {
            #expect(error.offset == offset, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
