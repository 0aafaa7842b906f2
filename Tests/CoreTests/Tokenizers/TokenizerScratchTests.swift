import Foundation
import Testing
@testable import Core

@Suite struct TokenizerScratchTests {
    @Test func scratch() throws {
        let t = try TokenizerLoader.load(folder: URL(fileURLWithPath: "/tmp/tokdev/var/xlmr-first-nfkc")) as! UnigramTokenizer
        for w in [" ⾆ぇ䘰텡⿉", " x", "⾆"] {
            var o = true
            let n = t.pipeline.normalizer!.normalize(w, keepsOrigin: &o, originalFirst: nil)
            print(w.debugDescription, n.debugDescription, o, t.encode(words: [w]).ids)
        }
    }
}
