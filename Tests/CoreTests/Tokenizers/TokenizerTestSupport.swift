import Foundation
import Core

/// Helpers shared by the tokenizer tests.
enum TokenizerTestSupport {
    /// A checkpoint folder under `Fixtures/models`.
    static func model(_ name: String) -> URL { Fixtures.url("models/\(name)") }

    /// A reference file under `Fixtures/expected`.
    static func expected(_ name: String) throws -> ExpectedTokenizations {
        try ExpectedTokenizations.load(Fixtures.url("expected/\(name).json"))
    }

    /// The real all-MiniLM-L6-v2 folder (`$NEURON_MODELS/all-MiniLM-L6-v2`, else
    /// `~/.cache/neuron-workbench/models/all-MiniLM-L6-v2`), or `nil` when it is not installed.
    static var miniLM: URL? {
        let root: URL
        if let path = ProcessInfo.processInfo.environment["NEURON_MODELS"] {
            root = URL(fileURLWithPath: path, isDirectory: true)
        } else {
            root = FileManager.default.homeDirectoryForCurrentUser
                .appendingPathComponent(".cache/neuron-workbench/models", isDirectory: true)
        }
        let folder = root.appendingPathComponent("all-MiniLM-L6-v2", isDirectory: true)
        let hasTokenizer = ["tokenizer.json", "vocab.txt"].contains {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
        return hasTokenizer ? folder : nil
    }

    /// The syntactic-word FORMs of every sentence of a CoNLL-U file, by `sent_id`, in file order
    /// (multiword-token ranges `3-4` and empty nodes `8.1` skipped).
    static func treebankWords(_ url: URL) throws -> [(sentID: String, words: [String])] {
        let bytes = [UInt8](try Data(contentsOf: url))
        var sentences: [(sentID: String, words: [String])] = []
        var sentID = ""
        var words: [String] = []
        let sentIDPrefix = Array("# sent_id = ".utf8)
        for rawLine in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            if line.isEmpty {
                if !words.isEmpty { sentences.append((sentID, words)) }
                words = []
                sentID = ""
            } else if line.first == UInt8(ascii: "#") {
                if line.starts(with: sentIDPrefix) {
                    sentID = String(decoding: line.dropFirst(sentIDPrefix.count), as: UTF8.self)
                }
            } else {
                let columns = line.split(separator: 0x09, maxSplits: 2, omittingEmptySubsequences: false)
                guard columns.count >= 2 else { continue }
                if columns[0].contains(UInt8(ascii: "-")) || columns[0].contains(UInt8(ascii: ".")) { continue }
                words.append(String(decoding: columns[1], as: UTF8.self))
            }
        }
        if !words.isEmpty { sentences.append((sentID, words)) }
        return sentences
    }
}

extension TokenizerTestSupport {
    /// The models folder: `$NEURON_MODELS`, else `~/.cache/neuron-workbench/models`.
    static var modelsFolder: URL {
        if let path = ProcessInfo.processInfo.environment["NEURON_MODELS"] {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/neuron-workbench/models", isDirectory: true)
    }

    /// The real Gemma 3 270M GGUF that `scripts/setup` assembles, or `nil` when it is not installed.
    static var gemmaGGUF: URL? {
        let file = modelsFolder.appendingPathComponent("gemma-3-270m/gemma-3-270m-q4_k_m.gguf")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    /// The `# text =` line of every sentence of a CoNLL-U file, by `sent_id`.
    static func treebankTexts(_ url: URL) throws -> [String: String] {
        var texts: [String: String] = [:]
        var sentID = ""
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.hasPrefix("# sent_id = ") {
                sentID = String(line.dropFirst("# sent_id = ".count))
            } else if line.hasPrefix("# text = "), texts[sentID] == nil {
                texts[sentID] = String(line.dropFirst("# text = ".count))
            }
        }
        return texts
    }
}
