import Core
import Foundation

/// The extraction benchmark: ours and PyTorch's on the same token ids, in one run.
struct ExtractionBenchmark {
    var treebank: URL
    var limit: Int?
    var models: [String]
    var python: String?
    var threads: Int
    var workers: Int
    /// Alternating rounds of ours and PyTorch; each side's best round is reported.
    var repeats: Int
    /// Both sides write every word vector to .npy files (false: `--no-write`, compute only).
    var writes: Bool
    /// Most tokens in one packed batch (nil: the extractor's default).
    var batchTokens: Int?

    func run() throws {
        BLAS.setThreadCount(threads)
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels; ours: \(workers) batch(es) in flight, "
              + (workers > 1 ? "1 BLAS thread each" : "\(threads) BLAS threads") + "; PyTorch: \(threads) threads")
        let sgemm = BenchmarkMeasures.measureSGEMM()
        print(String(format: "sgemm      %.0f GFLOP/s (1024³, this run)", sgemm))
        let tokenizer = try TokenizerLoader.load(folder: ModelCatalog.defaultModel)
        var file = try CoNLLUReader.read(treebank)
        if let limit { file.sentences = Array(file.sentences.prefix(limit)) }
        let sentences = file.sentences.map {
            TokenizedSentence(fileIndex: 0, id: $0.id, words: $0.words.map(\.form), tokenizer: tokenizer)
        }.filter { $0.ids.count <= 512 }
        let tokens = sentences.reduce(0) { $0 + $1.ids.count }
        print("corpus     \(treebank.lastPathComponent): \(sentences.count) sentences, \(tokens) subword tokens (MiniLM tokenizer)")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let idsFile = work.appendingPathComponent("ids.json")
        try writeAnchorInput(sentences, to: idsFile)

        var rows: [[String]] = [["model", "ours tok/s", "PyTorch tok/s", "ratio", "round ratios", "% of sgemm: ours", "PyTorch", "peak RSS", "weights", "loaded", "extraction adds", "PyTorch peak RSS"]]
        for name in models {
            let folder: URL
            switch name {
            case "minilm": folder = ModelCatalog.defaultModel
            case "bert-base": folder = try randomBertBase()
            default: folder = ModelCatalog.resolve(name)
            }
            let encoder = try TransformerEncoder.load(from: folder)
            let weightBytes = parameterBytes(encoder.config)
            // The peak is taken from here: resident memory with the model loaded, then what the
            // extraction rounds add to it (batches in flight, the sink's buffers).
            let loaded = BenchmarkMeasures.residentMemoryBytes()
            BenchmarkMeasures.resetPeakMemory()
            // Rounds alternate ours and PyTorch, and each side keeps its best: a slow spell on a
            // shared machine then lowers one round, not one side.
            var ours = 0.0, anchor: Double?, anchorPeak: Int?, sgemmBest = sgemm
            // Each round's ratio, ours over the PyTorch run right after it: how far a busy machine
            // moves the ratio from round to round.
            var roundRatios: [Double] = []
            for round in 1...repeats {
                let rate = try timeOurs(encoder, sentences, work: work)
                ours = max(ours, rate)
                print(String(format: "ours       %@: %.0f tokens/s (%.1f s)%@", name, rate, Double(tokens) / rate,
                             repeats > 1 ? " — round \(round) of \(repeats)" : ""))
                if let python, let (anchorRate, peakBytes) = try runAnchor(python: python, model: folder, input: idsFile) {
                    anchor = max(anchor ?? 0, anchorRate)
                    if let peakBytes { anchorPeak = max(anchorPeak ?? 0, peakBytes) }
                    roundRatios.append(rate / anchorRate)
                    print(String(format: "PyTorch    %@: %.0f tokens/s (%.1f s); this round's ratio %.2f×",
                                 name, anchorRate, Double(tokens) / anchorRate, rate / anchorRate))
                }
                sgemmBest = max(sgemmBest, BenchmarkMeasures.measureSGEMM())
            }
            let peak = BenchmarkMeasures.peakMemoryBytes()
            let flopsPerToken = linearFlopsPerToken(encoder.config, meanLength: Double(tokens) / Double(sentences.count))
            // Both sides' share of the in-run sgemm rate: how far either is from the float32 cap.
            let efficiency = ours * flopsPerToken / (sgemmBest * 1e9) * 100
            let anchorEfficiency = anchor.map { String(format: "%.0f%%", $0 * flopsPerToken / (sgemmBest * 1e9) * 100) } ?? "—"
            let anchorText = anchor.map { String(format: "%.0f", $0) } ?? "—"
            let ratioText = anchor.map { String(format: "%.2f×", ours / $0) } ?? "—"
            let roundsText = roundRatios.isEmpty ? "—" : roundRatios.map { String(format: "%.2f", $0) }.joined(separator: ", ")
            rows.append([name, String(format: "%.0f", ours), anchorText, ratioText, roundsText, String(format: "%.0f%%", efficiency), anchorEfficiency,
                         BenchmarkMeasures.formatBytes(peak), BenchmarkMeasures.formatBytes(weightBytes), BenchmarkMeasures.formatBytes(loaded), BenchmarkMeasures.formatBytes(max(0, peak - loaded)),
                         anchorPeak.map(BenchmarkMeasures.formatBytes) ?? "—"])
        }
        print("")
        print(TextTable.render(rows))
    }

    /// Throughput of our extraction: every hidden state, mean of subwords, into .npy files as the
    /// cache writes them (creating, writing, fsync and hashing inside the timing), or kept nowhere
    /// with `writes == false`.
    func timeOurs(_ encoder: TransformerEncoder, _ sentences: [TokenizedSentence], work: URL) throws -> Double {
        let layers = Array(0..<encoder.hiddenStateCount)
        var firstRows: [Int] = [], rows = 0
        for sentence in sentences { firstRows.append(rows); rows += sentence.wordSpans.count }
        var extractor = WordActivationExtractor(encoder: encoder, layers: layers, aggregation: .mean, workers: workers)
        if let batchTokens { extractor.maxBatchTokens = batchTokens }
        let bar = ProgressBar("  ours", total: sentences.count, unit: "sentences", throughputUnit: "tokens")
        let start = Date()
        let progress: (Int, Int) -> Void = { done, tokens in bar.advance(by: done, throughput: tokens) }
        if writes {
            let folder = work.appendingPathComponent("arrays")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var sink = try LayerFileSink(folder: folder, layers: layers, rows: rows, width: encoder.config.hiddenSize, type: .float32)
            try extractor.extract(sentences, firstRows: firstRows, into: &sink, progress: progress)
            _ = try sink.finish()
        } else {
            var sink = DiscardingSink()
            try extractor.extract(sentences, firstRows: firstRows, into: &sink, progress: progress)
        }
        let seconds = Date().timeIntervalSince(start)
        bar.finish()
        return Double(sentences.reduce(0) { $0 + $1.ids.count }) / seconds
    }

    /// Keeps nothing (`--no-write`: the forward passes and word means alone).
    struct DiscardingSink: WordActivationSink {
        mutating func write(layerSlot: Int, firstRow: Int, vectors: UnsafeBufferPointer<Float>) {}
    }

    func writeAnchorInput(_ sentences: [TokenizedSentence], to url: URL) throws {
        let payload: [String: Any] = ["sentences": sentences.map { sentence in
            ["ids": sentence.ids, "spans": sentence.wordSpans.map { [$0.lowerBound, $0.upperBound] }]
        }]
        try JSONSerialization.data(withJSONObject: payload).write(to: url)
    }

    /// Runs `scripts/bench_extract_pytorch.py`: its tokens/s and peak resident memory (model loading
    /// included); nil (with a note) when no usable Python is found.
    func runAnchor(python: String, model: URL, input: URL) throws -> (Double, Int?)? {
        print("PyTorch    running the anchor on the same ids …")
        guard let result = try PythonAnchor.run(python: python, script: "scripts/bench_extract_pytorch.py",
                                                arguments: ["--model", model.path, "--input", input.path, "--threads", String(threads)]
                                                    + (writes ? ["--out", input.deletingLastPathComponent().appendingPathComponent("anchor-arrays").path] : [])),
              let rate = result["tokens_per_second"] as? Double else { return nil }
        return (rate, result["peak_rss_bytes"] as? Int)
    }

    /// A bert-base-sized checkpoint with mBERT's vocabulary size and random weights, made once.
    func randomBertBase() throws -> URL {
        let folder = ModelCatalog.modelsRoot.appendingPathComponent("bench-bert-base-random", isDirectory: true)
        let weights = folder.appendingPathComponent("model.safetensors")
        if FileManager.default.fileExists(atPath: weights.path) { return folder }
        print("making     a random bert-base-sized checkpoint in \(folder.path) (once)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let hidden = 768, inner = 3072, layers = 12, vocab = 119_547
        let config = """
            {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": \(vocab), "hidden_size": \(hidden),
             "num_hidden_layers": \(layers), "num_attention_heads": 12, "intermediate_size": \(inner), "hidden_act": "gelu",
             "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
             "position_embedding_type": "absolute", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
             "initializer_range": 0.02}
            """
        var random = SplitMix64(seed: 20_221_122)
        func uniform(_ shape: [Int]) -> Tensor {
            let bound = Float(0.02 * 3.0.squareRoot())
            return Tensor(shape: shape) { out in
                for i in out.indices { out[i] = (Float(random.nextUnitDouble()) * 2 - 1) * bound }
            }
        }
        let ones = Tensor(shape: [hidden], scalars: Array(repeating: 1, count: hidden)), zeros = Tensor(zeros: [hidden])
        var tensors: [String: Tensor] = [
            "embeddings.word_embeddings.weight": uniform([vocab, hidden]),
            "embeddings.position_embeddings.weight": uniform([512, hidden]),
            "embeddings.token_type_embeddings.weight": uniform([2, hidden]),
            "embeddings.LayerNorm.weight": ones, "embeddings.LayerNorm.bias": zeros,
        ]
        for layer in 0..<layers {
            let p = "encoder.layer.\(layer)."
            for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
                tensors[p + name + ".weight"] = uniform([hidden, hidden])
                tensors[p + name + ".bias"] = zeros
            }
            tensors[p + "intermediate.dense.weight"] = uniform([inner, hidden])
            tensors[p + "intermediate.dense.bias"] = Tensor(zeros: [inner])
            tensors[p + "output.dense.weight"] = uniform([hidden, inner])
            tensors[p + "output.dense.bias"] = zeros
            for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
                tensors[p + name + ".weight"] = ones
                tensors[p + name + ".bias"] = zeros
            }
        }
        try SafeTensorsWriter.write(tensors, to: weights)
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }

    /// Multiply-adds ×2 of one token through the encoder: the four projections, the feed-forward
    /// block, and attention's two products at the corpus's mean sequence length.
    func linearFlopsPerToken(_ config: EncoderConfig, meanLength: Double) -> Double {
        let h = Double(config.hiddenSize), i = Double(config.intermediateSize)
        return Double(config.layerCount) * 2 * (4 * h * h + 2 * h * i + 2 * meanLength * h)
    }

    func parameterBytes(_ config: EncoderConfig) -> Int {
        let h = config.hiddenSize, i = config.intermediateSize
        let embeddings = (config.vocabSize + config.maxPositionEmbeddings + config.typeVocabularySize) * h
        return 4 * (embeddings + config.layerCount * (4 * h * h + 2 * h * i + 9 * h + i))
    }

}
