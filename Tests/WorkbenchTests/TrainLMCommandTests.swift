import Foundation
import Testing

/// `workbench train-lm` end to end through the executable, on a small plain-text corpus.
@Suite("workbench train-lm")
struct TrainLMCommandTests {
    /// Sentences where the verb agrees with the subject (40 of them, one per line).
    static func corpus(in folder: URL) throws -> URL {
        var lines: [String] = []
        for index in 0..<40 {
            let plural = index % 2 == 0, noun = ["dog", "cat", "key", "boy"][index % 4]
            lines.append("the \(plural ? noun + "s" : noun) near the door \(plural ? "are" : "is") here")
        }
        let file = folder.appendingPathComponent("corpus.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("trains, writes a folder next runs on, refuses the folder again without --resume, resumes to more epochs")
    func trainsAndResumes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-lm-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = try Self.corpus(in: folder).path
        let out = folder.appendingPathComponent("model").path
        let settings = ["--corpus", corpus, "--out", out, "--width", "8", "--vocab", "20", "--batch", "4", "--bptt", "5", "--threads", "1"]
        let run = try WorkbenchProcess.run(["train-lm"] + settings + ["--epochs", "1"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("held-out perplexity"), "\(run.output)")
        for name in ["config.json", "vocab.txt", "model.safetensors", "training.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)"), "\(name)")
        }
        let next = try WorkbenchProcess.run(["next", "--model", out, "--top", "2", "the dogs near the door"])
        #expect(next.status == 0 && next.output.contains("rank  token"), "\(next.errors)")
        let again = try WorkbenchProcess.run(["train-lm"] + settings)
        #expect(again.status == 1 && again.errors.contains("holds a training run (1 of 1 epochs done); pass --resume"), "\(again.errors)")
        let resumed = try WorkbenchProcess.run(["train-lm", "--corpus", corpus, "--out", out, "--resume", "--epochs", "2"])
        #expect(resumed.status == 0 && resumed.output.contains("resuming") && resumed.output.contains("epoch 2 "), "\(resumed.output) \(resumed.errors)")
        let user = folder.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: user.appendingPathComponent("notes.md"))
        let refused = try WorkbenchProcess.run(["train-lm", "--corpus", corpus, "--out", user.path])
        #expect(refused.status == 1 && refused.errors.contains("holds files that no training run wrote (notes.md)"), "\(refused.errors)")
        #expect(refused.errors.split(separator: "\n").count == 1)
    }
}
