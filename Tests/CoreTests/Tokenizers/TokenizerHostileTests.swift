import Foundation
import Testing
@testable import Models

/// Tokenizer files with hostile values give one error naming the file and key (issue 19).
@Suite("Hostile tokenizer files")
struct TokenizerHostileTests {
    @Test("a WordPiece id near 2⁵⁰ is refused, not allocated")
    func hugeVocabularyID() throws {
        let folder = try HostileFiles.scratchModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("tokenizer.json")
        try HostileFiles.editJSON(url) { json in
            var model = json["model"] as! [String: Any]
            var vocab = model["vocab"] as! [String: Any]
            vocab["hostile"] = 1 << 50
            model["vocab"] = vocab
            json["model"] = model
        }
        let error = #expect(throws: TokenizerError.self) { try TokenizerLoader.load(folder: folder) }
        #expect(error?.description == "\(url.path): key `model.vocab.hostile`: expected an integer id in 0..<16777216", "\(String(describing: error))")
    }
}
