import Foundation
import Testing
@testable import Support
@testable import Models
@testable import Corpora
@testable import Analysis

/// Seeded mutations of the tiny fixtures — safetensors headers, config.json, tokenizer.json and
/// CoNLL-U lines — fed to the readers (issue 19): each case loads or throws an `Error`, never
/// crashes nor hangs, and a model that loads gives finite activations or is refused.
@Suite("Hostile input fuzzing", .serialized)
struct HostileInputFuzzTests {
    /// The words run through every model that loads (odd ones included).
    static let words = ["The", "cats", "sleep", "naïve", "東京", "x", "[MASK]"]

    /// What the fuzzer found: the case, and what went wrong.
    final class Findings: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var problems: [String] = []
        private(set) var loaded = 0, refused = 0
        /// The case being run (reported if it does not return).
        var current = ""
        func problem(_ text: String) { lock.lock(); problems.append(text); lock.unlock() }
        func count(loaded didLoad: Bool) { lock.lock(); if didLoad { loaded += 1 } else { refused += 1 }; lock.unlock() }
    }

    /// Runs `body` under a time limit; records the findings, and the case that hung if it did.
    func fuzz(_ what: String, cases: Int, seconds: Double, _ body: @escaping @Sendable (Findings) throws -> Void) {
        let findings = Findings()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do { try body(findings) } catch { findings.problem("the harness itself failed: \(error)") }
            done.signal()
        }
        if done.wait(timeout: .now() + seconds) == .timedOut {
            Issue.record("\(what): no answer within \(seconds) s, at case \(findings.current)")
            return
        }
        for problem in findings.problems.prefix(20) { Issue.record("\(what): \(problem)") }
        #expect(findings.loaded + findings.refused == cases, "\(what): \(findings.loaded) loaded, \(findings.refused) refused of \(cases)")
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(findings.refused > 0, "\(what): no case was refused")
        #expect(findings.loaded > 0, "\(what): no case loaded")
    }

    /// Loads the model folder and runs the words through it: true when it loads with finite
    /// activations, false when loading or extraction refuses it; a problem when values are not finite.
    static func loadAndExtract(_ folder: URL, _ findings: Findings) -> Bool {
        do {
            let (encoder, tokenizer) = try ModelSource.loadEncoder(folder: folder)
            let sentence = TokenizedSentence(fileIndex: 0, id: "f1", words: words, tokenizer: tokenizer)
            // The cache leaves out sentences longer than the model takes; so does this.
            guard sentence.ids.count <= encoder.maxSequenceLength else { return false }
            let layers = Array(0..<encoder.hiddenStateCount)
            var extractor = WordActivationExtractor(encoder: encoder, layers: layers, workers: 1)
            extractor.fileNames = ["fuzz.conllu"]
            var sink = InMemoryActivations(layerCount: layers.count, rows: words.count, width: encoder.hiddenSize)
            try extractor.extract([sentence], firstRows: [0], into: &sink)
            if let layer = sink.matrices.firstIndex(where: { $0.scalars.contains { !$0.isFinite } }) {
                findings.problem("\(findings.current): loaded, and hidden state \(layer) is not finite")
            }
            return true
        } catch {
            return false
        }
    }

    // MARK: - Mutations

    /// A value that breaks a number's expectations.
    static func hostileNumber(_ rng: inout SplitMix64) -> String {
        ["0", "-1", "-16", "1", "2", "3", "16.5", "1e12", "1e308", "-1e308", "1e-45", "9223372036854775807",
         "18446744073709551616", "-9223372036854775808", "99999999999999999999999", "0.0", "-0.0", "\"16\"", "\"\"",
         "null", "true", "[]", "{}", "[16]", "4294967296", "65536", "1e400"].randomElement(using: &rng)!
    }

    /// A JSON value of any kind, hostile to whatever was there.
    static func hostileValue(_ rng: inout SplitMix64) -> Any {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return NSNull()
        case 1: return [Int.max, Int.min, -1, 0, 1 << 40, 3].randomElement(using: &rng)!
        case 2: return [1e308, -1e308, 1e-300, 0.5, -2.5].randomElement(using: &rng)!
        case 3: return ["", "[UNK]", "##", " ", "\u{0}", "ü", "Ġ", String(repeating: "a", count: 300)].randomElement(using: &rng)!
        case 4: return [] as [Any]
        case 5: return [:] as [String: Any]
        case 6: return Bool.random(using: &rng)
        default: return [["a", 1], [-1, -1], ["x", "y", "z"]].randomElement(using: &rng)! as [Any]
        }
    }

    /// `value` with one node somewhere inside replaced, removed or given a hostile sibling.
    static func mutate(_ value: Any, _ rng: inout SplitMix64, depth: Int = 0) -> Any {
        let stop = depth > 0 && Int.random(in: 0..<4, using: &rng) == 0
        if var object = value as? [String: Any], !object.isEmpty, !stop {
            let key = object.keys.sorted().randomElement(using: &rng)!
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: object[key] = nil
            case 1: object[key] = hostileValue(&rng)
            default: object[key] = mutate(object[key]!, &rng, depth: depth + 1)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty, !stop {
            let index = Int.random(in: 0..<array.count, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: array.remove(at: index)
            case 1: array.insert(hostileValue(&rng), at: index)
            case 2: array.append(array[index])
            default: array[index] = mutate(array[index], &rng, depth: depth + 1)
            }
            return array
        }
        return hostileValue(&rng)
    }

    /// A safetensors file's bytes with its header damaged (flipped bytes, a wrong length, a
    /// number inside the JSON replaced, the file cut short), or weights made NaN, infinite or huge.
    static func mutateSafeTensors(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let headerEnd = min(bytes.count, 8 + headerLength)
        switch Int.random(in: 0..<6, using: &rng) {
        case 5:
            // A valid header over damaged weights: some floats become NaN, ±∞, huge or random bits.
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let float = (headerEnd + Int.random(in: 0..<(bytes.count - headerEnd), using: &rng)) / 4 * 4
                guard float + 4 <= bytes.count, float >= headerEnd else { continue }
                let bad: [Float] = [.nan, .infinity, -.infinity, 3e38, -3e38, 1e20, Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))]
                let pattern = bad.randomElement(using: &rng)!.bitPattern
                for i in 0..<4 { bytes[float + i] = UInt8(truncatingIfNeeded: pattern >> (8 * UInt32(i))) }
            }
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<headerEnd, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
        case 1:
            let lengths: [UInt64] = [0, 1, 2, 7, UInt64(headerLength - 1), UInt64(headerLength + 1), UInt64(bytes.count),
                                     UInt64(bytes.count - 8), UInt64.max, UInt64.max / 2, 1 << 32, UInt64(Int.max), UInt64.random(in: 0...UInt64.max, using: &rng)]
            let length = lengths.randomElement(using: &rng)!
            for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
        case 2:
            // A number in the header (a shape or an offset) replaced by a hostile one, the length kept right.
            var header = String(decoding: bytes[8..<headerEnd], as: UTF8.self)
            let digits = header.indices.filter { header[$0].isNumber }
            guard let at = digits.randomElement(using: &rng) else { break }
            var end = at
            while end < header.endIndex, header[end].isNumber { end = header.index(after: end) }
            var start = at
            while start > header.startIndex, header[header.index(before: start)].isNumber { start = header.index(before: start) }
            header.replaceSubrange(start..<end, with: hostileNumber(&rng))
            let newHeader = Array(header.utf8)
            bytes = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(newHeader.count) >> (8 * UInt64($0))) } + newHeader + bytes[headerEnd...]
        case 3:
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        default:
            // A byte of the header removed or doubled (the length then disagrees with the JSON).
            let index = Int.random(in: 8..<headerEnd, using: &rng)
            if Bool.random(using: &rng) { bytes.remove(at: index) } else { bytes.insert(bytes[index], at: index) }
        }
        return bytes
    }

    /// CoNLL-U text with some lines damaged: fields dropped, doubled or replaced, ids and heads
    /// out of range, ranges and empty nodes that do not fit, lines removed or repeated.
    static func mutateCoNLLU(_ lines: [String], _ rng: inout SplitMix64) -> [String] {
        var lines = lines
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let index = Int.random(in: 0..<lines.count, using: &rng)
            var fields = lines[index].components(separatedBy: "\t")
            let hostile = ["0", "-1", "99", "1-", "-", "2-1", "1-99", "1.1", "0.1", "1.", "a", "", "_", "9223372036854775807",
                           "99999999999999999999", " ", "1\u{0}", "ü", "3", "2"]
            switch Int.random(in: 0..<9, using: &rng) {
            case 0: if fields.count > 1 { fields.remove(at: Int.random(in: 0..<fields.count, using: &rng)) }
            case 1: let i = Int.random(in: 0..<fields.count, using: &rng); fields.insert(fields[i], at: i)
            case 2: fields[0] = hostile.randomElement(using: &rng)!
            case 3: if fields.count > 6 { fields[6] = hostile.randomElement(using: &rng)! }
            case 4: fields[Int.random(in: 0..<fields.count, using: &rng)] = hostile.randomElement(using: &rng)!
            case 5: lines.remove(at: index); continue
            case 6: lines.insert(lines[index], at: index); continue
            case 7: if fields.count > 5 { fields[5] = ["Number=", "=Plur", "Number=Plur|Number=Sing", "Number=Plur||", "|", "Number"].randomElement(using: &rng)! }
            default: lines.insert(["", "# sent_id = s1", "#", "1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_", "1.1\tx\t_\t_\t_\t_\t_\t_\t_\t_",
                                   "\t\t\t\t\t\t\t\t\t"].randomElement(using: &rng)!, at: index); continue
            }
            lines[index] = fields.joined(separator: "\t")
        }
        return lines
    }

    // MARK: - Tests

    @Test("1500 damaged safetensors files (headers and weights): each loads or throws; a model that loads runs finite or is refused")
    func safetensors() throws {
        let cases = 1500
        fuzz("safetensors", cases: cases, seconds: 60) { findings in
            let model = try HostileFiles.scratchModel()
            defer { try? FileManager.default.removeItem(at: model) }
            let original = [UInt8](try Data(contentsOf: model.appendingPathComponent("model.safetensors")))
            let url = model.appendingPathComponent("model.safetensors")
            var rng = SplitMix64(seed: 19)
            for index in 0..<cases {
                findings.current = "safetensors case \(index)"
                try Data(Self.mutateSafeTensors(original, &rng)).write(to: url)
                do {
                    let file = try SafeTensorsFile(url: url)
                    for name in file.entries.keys.sorted() { _ = try file.tensor(name) }
                } catch {
                    findings.count(loaded: false)
                    continue
                }
                findings.count(loaded: Self.loadAndExtract(model, findings))
            }
        }
    }

    @Test("800 config.json files with a number made huge, negative, fractional, a string or missing: load or throw")
    func configs() throws {
        let cases = 800
        fuzz("config.json", cases: cases, seconds: 60) { findings in
            let model = try HostileFiles.scratchModel()
            defer { try? FileManager.default.removeItem(at: model) }
            let url = model.appendingPathComponent("config.json")
            let original = try Data(contentsOf: url)
            let object = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
            let keys = object.keys.sorted()
            var rng = SplitMix64(seed: 1919)
            let numeric = keys.filter { object[$0] is NSNumber }
            for index in 0..<cases {
                findings.current = "config case \(index)"
                // One or two keys (numbers more often than others) given a hostile value as raw
                // JSON text (so 1e400 or 16.5 stay as written), or removed.
                var edited = object
                var raw: [String: String] = [:]
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let key = (Bool.random(using: &rng) ? numeric : keys).randomElement(using: &rng)!
                    if Int.random(in: 0..<8, using: &rng) == 0 {
                        edited[key] = nil
                        raw[key] = nil
                    } else {
                        edited[key] = "\u{1}\(key)"
                        raw[key] = Self.hostileNumber(&rng)
                    }
                }
                var text = String(decoding: try JSONSerialization.data(withJSONObject: edited, options: [.sortedKeys]), as: UTF8.self)
                for (key, value) in raw { text = text.replacingOccurrences(of: "\"\\u0001\(key)\"", with: value) }
                try Data(text.utf8).write(to: url)
                findings.current += ": " + text
                findings.count(loaded: Self.loadAndExtract(model, findings))
            }
        }
    }

    @Test("600 tokenizer.json files with a node replaced, removed or doubled, or cut short: load or throw")
    func tokenizers() throws {
        let cases = 600
        fuzz("tokenizer.json", cases: cases, seconds: 60) { findings in
            let model = try HostileFiles.scratchModel()
            defer { try? FileManager.default.removeItem(at: model) }
            let url = model.appendingPathComponent("tokenizer.json")
            let original = try Data(contentsOf: url)
            let parsed = try JSONSerialization.jsonObject(with: original)
            // The other tokenizer kinds too (BPE, Unigram, WordLevel, every fixture), loaded alone.
            let others = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("tokenizer-json").path)
                .filter { $0.hasSuffix(".json") && $0 != "expected.json" }.sorted()
                .map { try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("tokenizer-json/\($0)"))) }
            let alone = try HostileFiles.scratchFolder()
            defer { try? FileManager.default.removeItem(at: alone) }
            var rng = SplitMix64(seed: 191919)
            for index in 0..<cases {
                findings.current = "tokenizer case \(index)"
                // One case in four with the model (a load and a forward pass take ~0.1 s here).
                let withModel = index % 4 == 0
                let base = withModel ? parsed : others[index % others.count]
                var data = try JSONSerialization.data(withJSONObject: Self.mutate(base, &rng), options: [.sortedKeys, .fragmentsAllowed])
                if Int.random(in: 0..<6, using: &rng) == 0 { data = data.prefix(Int.random(in: 0..<data.count, using: &rng)) }
                if withModel {
                    try data.write(to: url)
                    findings.count(loaded: Self.loadAndExtract(model, findings))
                } else {
                    try data.write(to: alone.appendingPathComponent("tokenizer.json"))
                    do {
                        let tokenizer = try TokenizerLoader.load(folder: alone)
                        _ = TokenizedSentence(fileIndex: 0, id: "t", words: Self.words, tokenizer: tokenizer)
                        findings.count(loaded: true)
                    } catch {
                        findings.count(loaded: false)
                    }
                }
            }
        }
    }

    @Test("2000 damaged CoNLL-U files: fields dropped or doubled, ids and heads out of range: parse or throw")
    func conllu() throws {
        let base = [
            "# sent_id = s1", "# text = The cats don't sleep", "1\tThe\tthe\tDET\t_\t_\t2\tdet\t_\t_",
            "2\tcats\tcat\tNOUN\t_\tNumber=Plur\t4\tnsubj\t_\t_", "3-4\tdon't\t_\t_\t_\t_\t_\t_\t_\t_",
            "3\tdo\tdo\tAUX\t_\t_\t5\taux\t_\t_", "4\tn't\tnot\tPART\t_\tPolarity=Neg\t5\tadvmod\t_\t_",
            "5\tsleep\tsleep\tVERB\t_\tNumber=Plur\t0\troot\t_\t_", "5.1\tnap\tnap\tVERB\t_\t_\t_\t_\t5:conj\t_", "",
            "# sent_id = s2", "1\tA\ta\tDET\t_\t_\t2\tdet\t_\t_", "2\tdog\tdog\tNOUN\t_\tNumber=Sing\t0\troot\t_\t_", "",
        ]
        let cases = 2000
        fuzz("CoNLL-U", cases: cases, seconds: 60) { findings in
            let url = URL(fileURLWithPath: "/fuzz/case.conllu")
            var rng = SplitMix64(seed: 19191919)
            for index in 0..<cases {
                findings.current = "CoNLL-U case \(index)"
                let text = Self.mutateCoNLLU(base, &rng).joined(separator: "\n")
                findings.current += ": " + text.debugDescription
                do {
                    let file = try CoNLLUReader.parse(Data(text.utf8), url: url)
                    _ = file.sentences.reduce(0) { $0 + $1.words.count }
                    findings.count(loaded: true)
                } catch {
                    findings.count(loaded: false)
                }
            }
        }
    }
}
