import Core
import Foundation

/// `workbench bench train-lm`: training words per second of our LSTM language model beside
/// PyTorch's `nn.LSTM` LM (scripts/bench_train_lm_pytorch.py) on the same ids, sizes, batch and
/// BPTT length, in the same run, and where each side's time goes.
struct TrainLMBenchmark {
    var settings: LSTMTrainingSettings
    var files: [URL]
    var segments: Int
    var repeats: Int
    var threads: Int
    var python: String?

    func run() throws {
        BLAS.setThreadCount(threads)
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels; \(threads) threads each side; load average \(load) at start")
        let corpus = try LanguageModelCorpus.read(files, heldOutEvery: settings.heldOutEvery)
        var trainer = try LSTMTrainer(corpus: corpus, settings: settings)
        let s = trainer.state.settings
        guard trainer.segmentCount >= segments + 1 else {
            throw UsageError("--segments \(segments): the corpus gives only \(trainer.segmentCount) segments of \(s.batchSize) × \(s.bptt)")
        }
        let vocabulary = trainer.vocabulary.count
        print("model      \(s.layers) × \(s.width) LSTM, vocabulary \(vocabulary), dropout \(s.dropout); batch \(s.batchSize) × bptt \(s.bptt); "
              + "\(segments) segments (\(segments * s.batchSize * s.bptt) words) per round, best of \(repeats)")
        let gflops = BenchmarkMeasures.measureSGEMM()
        print(String(format: "sgemm      %.1f GFLOP/s (1024³, %d threads)", gflops, threads))

        // Ours: one warm-up segment, then the rounds; the stage clock of the best.
        var none: LSTMTrainingClock?
        _ = trainer.trainSegments(1, clock: &none)
        var best = (words: 0, seconds: Double.infinity, clock: LSTMTrainingClock())
        for _ in 0..<repeats {
            var clock: LSTMTrainingClock? = LSTMTrainingClock()
            let start = Date()
            let words = trainer.trainSegments(segments, clock: &clock)
            let seconds = Date().timeIntervalSince(start)
            if seconds < best.seconds { best = (words, seconds, clock!) }
        }
        let ours = Double(best.words) / best.seconds
        // Multiply-adds per word: decoder V·H, each block 4H·(in + H), times 2 (FLOP) and 3 (forward, ∂input, ∂weight).
        let flopsPerWord = 6.0 * Double(vocabulary * s.width + s.layers * 4 * s.width * 2 * s.width)
        print(String(format: "ours       %.0f words/s (%.2f s for %d words; %.1f GFLOP/s of GEMM work)", ours, best.seconds, best.words,
                     ours * flopsPerWord / 1e9))

        var anchor: [String: Any]?
        if let python {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-train-lm-\(getpid())", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let ids = folder.appendingPathComponent("ids.txt")
            try Data(trainer.trainingIDs.map(String.init).joined(separator: " ").utf8).write(to: ids)
            anchor = try PythonAnchor.run(python: python, script: "scripts/bench_train_lm_pytorch.py", arguments: [
                "--ids", ids.path, "--vocab", "\(vocabulary)", "--width", "\(s.width)", "--layers", "\(s.layers)",
                "--dropout", "\(s.dropout)", "--batch", "\(s.batchSize)", "--bptt", "\(s.bptt)", "--lr", "\(s.learningRate)",
                "--clip", "\(s.clip)", "--segments", "\(segments)", "--warmup", "1", "--repeats", "\(repeats)", "--threads", "\(threads)"])
        }
        var rows = [["", "words/s", "seconds", "words"]]
        rows.append(["ours", String(format: "%.0f", ours), String(format: "%.2f", best.seconds), "\(best.words)"])
        if let anchor, let rate = anchor["words_per_second"] as? Double, let seconds = anchor["seconds"] as? Double {
            rows.append(["PyTorch \(anchor["torch"] as? String ?? "") nn.LSTM", String(format: "%.0f", rate), String(format: "%.2f", seconds),
                         "\(anchor["words"] as? Int ?? 0)"])
            print("\n" + TextTable.render(rows))
            print(String(format: "\nours / PyTorch: %.2f× (training words per second, same ids, sizes, batch, BPTT, threads)", ours / rate))
        } else {
            print("\n" + TextTable.render(rows))
        }
        var stages = [["ours: stage", "seconds", "share"]]
        let total = best.clock.stages.reduce(0) { $0 + $1.1 }
        for (name, seconds) in best.clock.stages {
            stages.append([name, String(format: "%.2f", seconds), String(format: "%.0f%%", 100 * seconds / max(total, 1e-9))])
        }
        print("\n" + TextTable.render(stages))
        if let anchor, let theirs = anchor["stages"] as? [String: Double] {
            var rows = [["PyTorch: stage", "seconds", "share"]]
            let sum = theirs.values.reduce(0, +)
            for name in ["forward + loss", "backward", "clip + SGD update"] {
                let seconds = theirs[name] ?? 0
                rows.append([name, String(format: "%.2f", seconds), String(format: "%.0f%%", 100 * seconds / max(sum, 1e-9))])
            }
            print("\n" + TextTable.render(rows))
        }
        let after = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("\nload average \(after) at the end (other processes share these cores)")
    }
}
