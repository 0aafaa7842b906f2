import Core
import Foundation

/// `workbench bench decoder`: a causal model's prompt processing (every hidden state, no logits)
/// beside transformers on the same token ids and llama.cpp's `llama-bench` on the same GGUF, in one run.
struct DecoderBenchmark {
    var model: String
    var treebank: URL
    /// Prompt lengths in tokens (BOS included).
    var lengths: [Int]
    /// Prompts of each length.
    var promptCount: Int
    var python: String?
    /// `llama-bench`: a path, or nil to look for `$LLAMA_BENCH` and then `llama-bench` on `PATH`.
    var llamaBench: String?
    var skipLlama: Bool
    var threads: Int
    var workers: Int
    var repeats: Int

    func run() throws {
        BLAS.setThreadCount(threads)
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels; ours: \(workers) prompt(s) in flight, "
              + (workers > 1 ? "1 BLAS thread each" : "\(threads) BLAS threads") + "; anchors: \(threads) threads")
        var sgemm = BenchmarkMeasures.measureSGEMM()
        print(String(format: "sgemm      %.0f GFLOP/s (1024³, this run)", sgemm))
        let source = try ModelCatalog.source(model)
        guard case .gguf(let file) = source else {
            throw UsageError("bench decoder times a GGUF model (transformers and llama.cpp read the same file); \(model) is \(source)")
        }
        let started = Date()
        let (languageModel, tokenizer) = try source.load()
        let loaded = BenchmarkMeasures.residentMemoryBytes()
        print(String(format: "model      %@ (%@), loaded in %.1f s, %@ resident", languageModel.summary, file.lastPathComponent,
                     Date().timeIntervalSince(started), BenchmarkMeasures.formatBytes(loaded)))
        let groups = try prompts(tokenizer: tokenizer, maxLength: languageModel.maxSequenceLength)
        print("prompts    \(promptCount) per length from \(treebank.lastPathComponent) (running text, BOS first): "
              + lengths.map { "\($0) tokens" }.joined(separator: ", "))

        BenchmarkMeasures.resetPeakMemory()
        var ours = [Int: Double]()
        func oursRound(_ label: String) {
            for length in lengths {
                let rate = timeOurs(languageModel, groups[length]!)
                ours[length] = max(ours[length] ?? 0, rate)
                print(String(format: "ours       %4d tokens: %.0f tokens/s (%@)", length, rate, label))
            }
        }
        for round in 1...max(1, repeats / 2) { oursRound("round \(round)") }
        let peak = BenchmarkMeasures.peakMemoryBytes()

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-bench-decoder-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var transformers = [Int: Double](), transformersPeak: Int?
        if let python {
            let input = work.appendingPathComponent("prompts.json")
            let payload = ["groups": Dictionary(uniqueKeysWithValues: groups.map { (String($0.key), $0.value) })]
            try JSONSerialization.data(withJSONObject: payload).write(to: input)
            print("PyTorch    loading \(file.lastPathComponent) into transformers (float32) and running the same ids …")
            if let result = try PythonAnchor.run(python: python, script: "scripts/bench_decoder_pytorch.py",
                                                 arguments: ["--gguf", file.path, "--input", input.path, "--threads", String(threads),
                                                             "--repeats", String(repeats)]),
               let perLength = result["groups"] as? [String: [String: Any]] {
                for (key, value) in perLength {
                    if let length = Int(key), let rate = value["tokens_per_second"] as? Double { transformers[length] = rate }
                }
                transformersPeak = result["peak_rss_bytes"] as? Int
                for length in lengths { if let rate = transformers[length] { print(String(format: "PyTorch    %4d tokens: %.0f tokens/s", length, rate)) } }
            }
        }
        var llama = [Int: Double]()
        if !skipLlama {
            if let executable = llamaBenchPath() {
                llama = try runLlamaBench(executable, file: file)
                for length in lengths { if let rate = llama[length] { print(String(format: "llama.cpp  %4d tokens: %.0f tokens/s", length, rate)) } }
            } else {
                print("llama.cpp  skipped: no llama-bench (pass --llama-bench PATH or set LLAMA_BENCH; README: building the anchor)")
            }
        }
        for round in 1...max(1, repeats - repeats / 2) { oursRound("after the anchors, round \(round)") }
        sgemm = max(sgemm, BenchmarkMeasures.measureSGEMM())

        var rows: [[String]] = [["prompt", "ours tok/s", "transformers tok/s", "llama.cpp tok/s", "ratio to the faster anchor", "% of sgemm: ours", "faster anchor"]]
        for length in lengths {
            let flops = flopsPerToken(languageModel, promptLength: length)
            let rate = ours[length] ?? 0
            let anchors = [transformers[length], llama[length]].compactMap { $0 }
            let faster = anchors.max()
            rows.append(["\(length) tokens", String(format: "%.0f", rate), transformers[length].map { String(format: "%.0f", $0) } ?? "—",
                         llama[length].map { String(format: "%.0f", $0) } ?? "—", faster.map { String(format: "%.2f×", rate / $0) } ?? "—",
                         String(format: "%.0f%%", rate * flops / (sgemm * 1e9) * 100),
                         faster.map { String(format: "%.0f%%", $0 * flops / (sgemm * 1e9) * 100) } ?? "—"])
        }
        print("")
        print(TextTable.render(rows))
        print("each side's best round; tokens/s counts prompt tokens through every block with every hidden state kept (no logits); "
              + "llama.cpp's pp test uses its own random tokens of the same length")
        print("memory     ours: \(BenchmarkMeasures.formatBytes(peak)) peak resident (\(BenchmarkMeasures.formatBytes(loaded)) with the model loaded)"
              + (transformersPeak.map { "; transformers: \(BenchmarkMeasures.formatBytes($0)) peak" } ?? ""))
        try whereTheTimeGoes(languageModel, groups)
    }

    /// Running text of the treebank cut into prompts of each length: BOS, then the next tokens.
    func prompts(tokenizer: any Tokenizer, maxLength: Int) throws -> [Int: [[Int]]] {
        let sentences = try CoNLLUReader.read(treebank).sentences
        let text = sentences.map { $0.words.map(\.form).joined(separator: " ") }.joined(separator: " ")
        let encoded = tokenizer.encode(text: text).ids
        guard let bos = encoded.first else { throw UsageError("\(treebank.path): no text to make prompts from") }
        let body = Array(encoded.dropFirst())
        var groups = [Int: [[Int]]](), offset = 0
        for length in lengths {
            guard length >= 2, length <= maxLength else { throw UsageError("--lengths: \(length) outside 2…\(maxLength)") }
            groups[length] = try (0..<promptCount).map { _ in
                guard offset + length - 1 <= body.count else {
                    throw UsageError("\(treebank.lastPathComponent) holds \(body.count) tokens: too few for \(promptCount) prompts of each length")
                }
                defer { offset += length - 1 }
                return [bos] + body[offset..<(offset + length - 1)]
            }
        }
        return groups
    }

    /// Tokens/s of our forward pass over `prompts`, each prompt one batch, every hidden state kept.
    func timeOurs(_ model: any LanguageModel, _ prompts: [[Int]]) -> Double {
        if workers > 1 { BLAS.beginSingleThreaded() }
        defer { if workers > 1 { BLAS.endSingleThreaded() } }
        let start = Date()
        Parallel.drain(prompts.count, workers: min(workers, prompts.count)) { index in
            var states: [Tensor] = []
            model.run(PackedBatch(sequences: [prompts[index]])) { _, state in states.append(state) }
            precondition(states.count == model.hiddenStateCount)
            return true
        }
        return Double(prompts.reduce(0) { $0 + $1.count }) / Date().timeIntervalSince(start)
    }

    /// One more round of ours with the stage clock on: each stage's share of the thread time.
    func whereTheTimeGoes(_ model: any LanguageModel, _ groups: [Int: [[Int]]]) throws {
        var rows: [[String]] = [["stage"] + lengths.map { "\($0) tokens" }]
        var shares: [StageClock.Stage: [String]] = [:]
        for length in lengths {
            StageClock.start()
            _ = timeOurs(model, groups[length]!)
            let stages = StageClock.stop()
            let total = stages.reduce(0) { $0 + $1.seconds }
            for stage in StageClock.Stage.modelStages {
                let seconds = stages.first { $0.stage == stage }?.seconds ?? 0
                shares[stage, default: []].append(String(format: "%.0f%%", 100 * seconds / max(total, 1e-12)))
            }
        }
        for stage in StageClock.Stage.modelStages { rows.append([stage.rawValue] + (shares[stage] ?? [])) }
        print("")
        print("where our time goes (share of thread time in one more round):")
        print(TextTable.render(rows))
    }

    /// Multiply-adds ×2 per prompt token: the projections and the MLP of every block, and
    /// attention's two products (every position against the whole prompt, as computed).
    func flopsPerToken(_ model: any LanguageModel, promptLength: Int) -> Double {
        let h = Double(model.hiddenSize), i = Double(model.mlpSize)
        guard let gemma = model as? Gemma3Model else { return Double(model.layerCount) * 2 * (4 * h * h + 3 * h * i) }
        let c = gemma.config
        let q = Double(c.headCount * c.headSize), kv = Double(c.keyValueHeadCount * c.headSize)
        let projections = h * (q + 2 * kv) + q * h + 3 * h * i
        let attention = 2 * Double(promptLength) * q
        return Double(model.layerCount) * 2 * (projections + attention)
    }

    func llamaBenchPath() -> String? {
        if let llamaBench { return llamaBench }
        if let path = ProcessInfo.processInfo.environment["LLAMA_BENCH"] { return path }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/llama-bench"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `llama-bench -m FILE -t T -p L1,L2 -n 0 -r R -o json`: tokens/s per prompt length.
    func runLlamaBench(_ executable: String, file: URL) throws -> [Int: Double] {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            print("llama.cpp  skipped: \(executable) is not an executable file")
            return [:]
        }
        print("llama.cpp  \(executable) -m \(file.lastPathComponent) -t \(threads) -p \(lengths.map(String.init).joined(separator: ",")) -n 0 -r \(repeats) …")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-m", file.path, "-t", String(threads), "-p", lengths.map(String.init).joined(separator: ","),
                             "-n", "0", "-r", String(repeats), "-o", "json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            print("llama.cpp  failed (exit \(process.terminationStatus))")
            return [:]
        }
        var rates = [Int: Double]()
        for entry in entries {
            if let length = entry["n_prompt"] as? Int, let rate = entry["avg_ts"] as? Double { rates[length] = rate }
        }
        return rates
    }
}
