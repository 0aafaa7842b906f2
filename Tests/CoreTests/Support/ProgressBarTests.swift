import Foundation
import Testing
@testable import Support

/// What a progress bar writes to a terminal and to a log (a file or a pipe).
@Suite("progress bar")
struct ProgressBarTests {
    /// A clock the test moves, and the text a bar wrote.
    final class Recorder: @unchecked Sendable {
        var time = Date(timeIntervalSince1970: 0)
        var text = ""
    }

    static func bar(_ recorder: Recorder, total: Int, interactive: Bool) -> ProgressBar {
        ProgressBar("  Spanish Number L1", total: total, unit: "curves", interactive: interactive,
                    now: { recorder.time }, write: { recorder.text += $0 })
    }

    @Test("in a log, a short step is one line: no redraws, no carriage returns")
    func shortStepInLog() {
        let recorder = Recorder()
        let bar = Self.bar(recorder, total: 14, interactive: false)
        for _ in 0..<14 {
            recorder.time += 0.5
            bar.advance()
        }
        bar.finish()
        let lines = recorder.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "\(recorder.text)")
        #expect(lines[0].hasPrefix("  Spanish Number L1 ") && lines[0].contains("14/14 curves") && lines[0].hasSuffix("7s"), "\(lines[0])")
        #expect(!recorder.text.contains("\r"))
    }

    @Test("in a log, a long step writes a line per tenth at most every 30 s, with its rate and ETA, then its end")
    func longStepInLog() {
        let recorder = Recorder()
        let bar = Self.bar(recorder, total: 100, interactive: false)
        for _ in 0..<100 {
            recorder.time += 1
            bar.advance()
        }
        bar.finish()
        let lines = recorder.text.split(separator: "\n").map(String.init)
        // At 30, 60 and 90 s (tenths 3, 6, 9), then the end.
        #expect(lines.count == 4, "\(recorder.text)")
        #expect(lines.prefix(3).map { $0.contains("ETA") } == [true, true, true], "\(lines)")
        #expect(lines[0].contains(" 30/100 curves  1.0/s") && lines[0].hasSuffix("ETA 1m10s"), "\(lines[0])")
        #expect(lines[3].contains("100/100 curves") && !lines[3].contains("ETA") && lines[3].hasSuffix("1m40s"), "\(lines[3])")
        #expect(!recorder.text.contains("\r"))
    }

    @Test("on a terminal, the line redraws in place and ends with a newline")
    func terminal() {
        let recorder = Recorder()
        let bar = Self.bar(recorder, total: 3, interactive: true)
        for _ in 0..<3 {
            recorder.time += 1
            bar.advance()
        }
        bar.finish()
        #expect(recorder.text.components(separatedBy: "\r").count - 1 == 4, "\(recorder.text)")
        #expect(recorder.text.hasSuffix("\n") && recorder.text.filter { $0 == "\n" }.count == 1)
    }
}
