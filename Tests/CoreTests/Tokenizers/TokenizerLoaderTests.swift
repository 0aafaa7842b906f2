import Foundation
import Testing
@testable import Models

@Suite("Tokenizer loader")
struct TokenizerLoaderTests {
    /// A fresh temporary folder holding the given files.
    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokenizer-loader-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return url
    }

    /// The error thrown by loading `files`, as text.
    static func loadError(_ files: [String: String]) throws -> String {
        let url = try folder(files)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try TokenizerLoader.load(folder: url)
        } catch let error as TokenizerError {
            return error.description
        }
        Issue.record("loading \(files.keys.sorted()) did not fail")
        return ""
    }

    static let wordPieceModel = #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 3}}"#

    @Test("an empty folder names the folder")
    func noFiles() throws {
        #expect(try Self.loadError([:]).contains("no tokenizer.json or vocab.txt"))
    }

    @Test("malformed JSON names the file and the byte offset")
    func malformedJSON() throws {
        let message = try Self.loadError(["tokenizer.json": #"{"model": {"type": "WordPiece",}"#])
        #expect(message.contains("tokenizer.json"))
        #expect(message.contains("malformed JSON"))
        #expect(message.contains("at byte"))
    }

    @Test("an unsupported type is one line naming the file, the key path and the type", arguments: [
        (#""normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Casefold"}]}"#,
         "normalizer.normalizers[1].type", "Casefold"),
        (#""pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}, {"type": "Jieba"}]}"#,
         "pre_tokenizer.pretokenizers[1].type", "Jieba"),
        (#""post_processor": {"type": "Sequence", "processors": [{"type": "ByteLevel"}, {"type": "Instruct"}]}"#,
         "post_processor.processors[1].type", "Instruct"),
    ])
    func unsupportedComponent(entry: String, key: String, type: String) throws {
        let message = try Self.loadError(["tokenizer.json": #"{"model": \#(Self.wordPieceModel), \#(entry)}"#])
        #expect(message.hasSuffix("tokenizer.json: key `\(key)`: unsupported type \"\(type)\""), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test("an unsupported model type names model.type")
    func unsupportedModel() throws {
        let message = try Self.loadError(["tokenizer.json": #"{"model": {"type": "Bigram", "vocab": {"a": 0}}}"#])
        #expect(message.hasSuffix("tokenizer.json: key `model.type`: unsupported type \"Bigram\""), "\(message)")
    }

    @Test("a Split regex that does not compile names its key, on one line")
    func badRegex() throws {
        let split = #""pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated", "invert": false}"#
        let message = try Self.loadError(["tokenizer.json": #"{"model": \#(Self.wordPieceModel), \#(split)}"#])
        #expect(message.contains("key `pre_tokenizer.pattern.Regex`: expected a regular expression (ICU cannot compile \"(a\""), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test("an unknown split behavior names its key and the five it could be")
    func badBehavior() throws {
        let punctuation = #""pre_tokenizer": {"type": "Punctuation", "behavior": "Sideways"}"#
        let message = try Self.loadError(["tokenizer.json": #"{"model": \#(Self.wordPieceModel), \#(punctuation)}"#])
        #expect(message.contains("key `pre_tokenizer.behavior`: expected \"Removed\", \"Isolated\", \"MergedWithPrevious\", \"MergedWithNext\" or \"Contiguous\""), "\(message)")
    }

    @Test("a BPE merge whose result is not in the vocabulary names the merge")
    func badMerge() throws {
        let message = try Self.loadError(["tokenizer.json": #"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}"#])
        #expect(message.hasSuffix("key `model.merges[0]`: token \"ab\" is not in the vocabulary"), "\(message)")
    }

    @Test("a template after another template is refused (HF stops on three encodings)")
    func templateAfterTemplate() throws {
        let template = #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}}"#
        let json = #"{"model": \#(Self.wordPieceModel), "post_processor": {"type": "Sequence", "processors": [\#(template), \#(template)]}}"#
        let message = try Self.loadError(["tokenizer.json": json])
        #expect(message.contains("key `post_processor.processors[1]`: expected a template applied to one or two encodings"), "\(message)")
    }

    @Test("a vocabulary keeps canonically equivalent tokens apart (café precomposed and decomposed)")
    func canonicallyEquivalentTokens() throws {
        let model = #"{"type": "WordLevel", "unk_token": "<unk>", "vocab": {"<unk>": 0, "caf\u00e9": 1, "cafe\u0301": 2}}"#
        let url = try Self.folder(["tokenizer.json": #"{"model": \#(model), "pre_tokenizer": {"type": "WhitespaceSplit"}}"#])
        defer { try? FileManager.default.removeItem(at: url) }
        let tokenizer = try TokenizerLoader.load(folder: url)
        #expect(tokenizer.encode(text: "caf\u{E9} cafe\u{301} cafe").ids == [1, 2, 0])
        #expect(tokenizer.token(of: 1)?.unicodeScalars.count == 4 && tokenizer.token(of: 2)?.unicodeScalars.count == 5)
    }

    @Test("a missing vocabulary names model.vocab")
    func missingVocab() throws {
        let message = try Self.loadError(["tokenizer.json": #"{"model": {"type": "WordPiece", "unk_token": "[UNK]"}}"#])
        #expect(message.contains("missing key `model.vocab`"))
    }

    @Test("an unknown-token name absent from the vocabulary is reported")
    func unknownUnk() throws {
        let model = #"{"type": "WordPiece", "unk_token": "<oov>", "vocab": {"a": 0}}"#
        let message = try Self.loadError(["tokenizer.json": #"{"model": \#(model)}"#])
        #expect(message.contains("`model.unk_token`"))
        #expect(message.contains("<oov>"))
    }

    @Test("a bad Unigram entry names its index")
    func badUnigramEntry() throws {
        let model = #"{"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", "x"]]}"#
        let message = try Self.loadError(["tokenizer.json": #"{"model": \#(model)}"#])
        #expect(message.contains("`model.vocab[1]`"))
    }

    @Test("a wrongly typed option names its key")
    func wrongType() throws {
        let json = #"{"model": \#(Self.wordPieceModel), "normalizer": {"type": "BertNormalizer", "lowercase": "yes"}}"#
        let message = try Self.loadError(["tokenizer.json": json])
        #expect(message.contains("`normalizer.lowercase`: expected true or false"))
    }

    @Test("vocab.txt without [CLS] names the key and the file")
    func vocabTextMissingSpecial() throws {
        let message = try Self.loadError(["vocab.txt": "[PAD]\n[UNK]\n[SEP]\nhello\n"])
        #expect(message.contains("vocab.txt"))
        #expect(message.contains("cls_token"))
    }

    @Test("vocab.txt with a config loads a cased tokenizer")
    func vocabText() throws {
        let url = try Self.folder([
            "vocab.txt": "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nHello\nhello\n",
            "tokenizer_config.json": #"{"do_lower_case": false, "unk_token": {"content": "[UNK]"}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let tokenizer = try TokenizerLoader.load(folder: url)
        #expect(tokenizer.encode(text: "Hello hello HELLO").ids == [2, 5, 6, 1, 3])
    }

    @Test("tokenizer.json is preferred over vocab.txt")
    func prefersTokenizerJSON() throws {
        let json = #"{"model": \#(Self.wordPieceModel), "post_processor": {"type": "BertProcessing", "cls": ["[CLS]", 1], "sep": ["[SEP]", 2]}}"#
        let url = try Self.folder(["tokenizer.json": json, "vocab.txt": "broken"])
        defer { try? FileManager.default.removeItem(at: url) }
        let tokenizer = try TokenizerLoader.load(folder: url)
        #expect(tokenizer.encode(text: "a").ids == [1, 3, 2])
    }

    // MARK: - transformers 5 rebuilds

    @Test("BertTokenizer in tokenizer_config.json: the config's casing wins over tokenizer.json (as transformers 5)")
    func bertConfigWins() throws {
        let model = #"{"type": "WordPiece", "unk_token": "[UNK]", "max_input_chars_per_word": 3, "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "Hello": 3, "hello": 4}}"#
        let json = #"{"model": \#(model), "normalizer": {"type": "BertNormalizer", "lowercase": true}, "pre_tokenizer": {"type": "BertPreTokenizer"}}"#
        let plain = try Self.folder(["tokenizer.json": json])
        let bert = try Self.folder([
            "tokenizer.json": json,
            "tokenizer_config.json": #"{"tokenizer_class": "BertTokenizer", "do_lower_case": false}"#,
        ])
        defer {
            try? FileManager.default.removeItem(at: plain)
            try? FileManager.default.removeItem(at: bert)
        }
        // The file alone lower-cases and caps words at 3 characters; BertTokenizer keeps case and 100.
        #expect(try TokenizerLoader.load(folder: plain).encode(text: "Hello").ids == [0])
        #expect(try TokenizerLoader.load(folder: bert).encode(text: "Hello").ids == [1, 3, 2])
    }

    @Test("XLMRobertaTokenizer in tokenizer_config.json: WhitespaceSplit + Metaspace replace the file's pre-tokenizer")
    func xlmRobertaRebuild() throws {
        let model = #"{"type": "Unigram", "unk_id": 3, "vocab": [["<s>", 0], ["<pad>", 0], ["</s>", 0], ["<unk>", 0], ["▁", -1], ["a", -1], ["b", -1], ["▁a", -1], ["▁b", -1]]}"#
        let json = #"{"model": \#(model), "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}, "post_processor": {"type": "RobertaProcessing", "cls": ["<s>", 0], "sep": ["</s>", 2]}}"#
        let plain = try Self.folder(["tokenizer.json": json])
        let xlmr = try Self.folder([
            "tokenizer.json": json,
            "tokenizer_config.json": #"{"tokenizer_class": "XLMRobertaTokenizer", "add_prefix_space": true, "unk_id": 0}"#,
        ])
        defer {
            try? FileManager.default.removeItem(at: plain)
            try? FileManager.default.removeItem(at: xlmr)
        }
        // Metaspace alone turns extra spaces into lone ▁ pieces; the rebuilt pipeline drops them.
        #expect(try TokenizerLoader.load(folder: plain).encode(text: "a  b ").ids == [0, 7, 4, 8, 4, 2])
        #expect(try TokenizerLoader.load(folder: xlmr).encode(text: "a  b ").ids == [0, 7, 8, 2])
    }
}
