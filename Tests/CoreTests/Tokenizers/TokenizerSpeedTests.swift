import Foundation
import Testing
@testable import Core

/// Throughput of `encode(words:)` on UD English-EWT dev, printed (meaningful in a release
/// build: `swift test -c release -Xswiftc -enable-testing --filter TokenizerSpeed`).
@Suite("Tokenizer speed")
struct TokenizerSpeedTests {
    static let ewtDev = Fixtures.shared.appendingPathComponent("ud/UD_English-EWT/en_ewt-ud-dev.conllu")

    @Test("words per second on EWT dev", .enabled(if: FileManager.default.fileExists(atPath: ewtDev.path)),
          arguments: ["bert-uncased-tiny", "xlmr-tiny", "minilm"])
    func throughput(model: String) throws {
        let folder: URL
        if model == "minilm" {
            guard let miniLM = TokenizerTestSupport.miniLM else { return }
            folder = miniLM
        } else {
            folder = TokenizerTestSupport.model(model)
        }
        let tokenizer = try TokenizerLoader.load(folder: folder)
        let sentences = try TokenizerTestSupport.treebankWords(TokenizerSpeedTests.ewtDev)
        let wordCount = sentences.reduce(0) { $0 + $1.words.count }
        var ids = 0
        let repeats = Int(ProcessInfo.processInfo.environment["TOKENIZER_SPEED_REPEATS"] ?? "3") ?? 3
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats {
            for sentence in sentences { ids += tokenizer.encode(words: sentence.words).ids.count }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = Double(wordCount * repeats) / seconds
        print("tokenizer speed \(model): \(wordCount * repeats) words in \(String(format: "%.3f", seconds)) s = \(Int(rate)) words/s (\(ids) ids)")
        #expect(ids > wordCount * repeats)
    }
}
