import Foundation
import Testing
@testable import Models

/// Compares any tokenizer folder with any reference file named by environment variables
/// (`TOKENIZER_FOLDER`, `TOKENIZER_EXPECTED`); skipped when they are unset. Handy while
/// investigating a new checkpoint.
@Suite("Tokenizer ad-hoc reference comparison")
struct TokenizerAdHocTests {
    @Test("a folder reproduces a reference file", .enabled(if: ProcessInfo.processInfo.environment["TOKENIZER_EXPECTED"] != nil))
    func adHoc() throws {
        let environment = ProcessInfo.processInfo.environment
        let folder = URL(fileURLWithPath: try #require(environment["TOKENIZER_FOLDER"]))
        let expected = try ExpectedTokenizations.load(URL(fileURLWithPath: try #require(environment["TOKENIZER_EXPECTED"])))
        let tokenizer = try TokenizerLoader.load(folder: folder)
        let comparison = expected.compare(with: tokenizer, maxFailures: 30)
        print(comparison.summary)
        for failure in comparison.failures { print(failure) }
        #expect(comparison.allMatch, "\(comparison.summary)")
    }
}
