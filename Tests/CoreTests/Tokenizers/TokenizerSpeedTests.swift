import Foundation
import Testing
@testable import Models

/// Throughput of `encode(words:)` on UD English-EWT dev, printed (meaningful in a release
/// build: `swift test -c release -Xswiftc -enable-testing --filter TokenizerSpeed`).
@Suite("Tokenizer speed")
struct TokenizerSpeedTests {
    static let ewtDev = Fixtures.shared.appendingPathComponent("ud/UD_English-EWT/en_ewt-ud-dev.conllu")

    /// CPU time of the calling thread, which other processes on a busy machine do not inflate.
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    @Test("words per second on EWT dev", .enabled(if: FileManager.default.fileExists(atPath: ewtDev.path)),
          arguments: ["bert-uncased-tiny", "xlmr-tiny", "minilm"])
    func throughput(model: String) throws {
        let folder: URL
        if model == "minilm" {
            guard let miniLM = TokenizerTestSupport.miniLM else {
                Issue.record("all-MiniLM-L6-v2 is missing from the models folder (scripts/setup fetches it): its tokenizer was not timed")
                return
            }
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
        let cpuStart = Self.threadCPUSeconds()
        for _ in 0..<repeats {
            for sentence in sentences { ids += tokenizer.encode(words: sentence.words).ids.count }
        }
        let cpu = Self.threadCPUSeconds() - cpuStart
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let words = Double(wordCount * repeats)
        print("tokenizer speed \(model): \(wordCount * repeats) words, \(Int(words / cpu)) words/s of thread CPU time "
            + "(\(Int(words / seconds)) words/s wall), \(ids) ids")
        #expect(ids > wordCount * repeats)
    }
}
