import Foundation
import Testing
@testable import Models

@Suite("Precompiled charsmap normalizer")
struct PrecompiledCharsmapTests {
    /// The nmt_nfkc charsmap of the xlmr-tiny fixture.
    static func charsmap() throws -> TextNormalizer {
        let json = try TokenizerJSON.read(TokenizerTestSupport.model("xlmr-tiny").appendingPathComponent("tokenizer.json"))
        let normalizer = try TokenizerLoader.parseNormalizer(try json.optional("normalizer"))
        return try #require(normalizer)
    }

    /// Outputs of HF `tokenizers` 0.23.3 (`normalizer.normalize_str`) on the same charsmap.
    @Test("normalizes as HF's Precompiled does", arguments: [
        ("\u{FB01}ne", "fine"),
        ("\u{216B} \u{2460}", "XII 1"),
        ("\u{FF21}\u{FF22}\u{FF23}\u{FF11}\u{FF12}\u{FF13}", "ABC123"),
        ("e\u{301}t\u{E9}", "\u{E9}t\u{E9}"),
        ("tab\there", "tab here"),
        ("a\u{200B}b", "a b"),
        ("cr\r\nlf", "cr lf"),
        ("\u{BD} \u{2122} \u{338F}", "1\u{2044}2 TM kg"),
        ("\u{1C5}", "D\u{17E}"),
        ("\u{3000}x", " x"),
        ("a\u{A0}b", "a b"),
        ("x\u{7}y", "xy"),
        // A grapheme shorter than 6 bytes takes the rule of its shortest matching prefix whole:
        // the accent after the ligature is dropped (HF/SentencePiece quirk).
        ("\u{FB01}\u{301}", "fi"),
    ])
    func normalizes(input: String, expected: String) throws {
        #expect(try Self.charsmap().normalize(input) == expected)
    }

    @Test("a blob too short for its declared trie is rejected")
    func malformed() {
        #expect(throws: PrecompiledCharsmap.FormatError.self) { try PrecompiledCharsmap(blob: [1, 2]) }
        #expect(throws: PrecompiledCharsmap.FormatError.self) { try PrecompiledCharsmap(blob: [16, 0, 0, 0, 1, 2, 3, 4]) }
    }
}
