import Core
import Foundation

/// `workbench bench NAME`: speed benchmarks that print a ratio against their anchor, measured in the same run.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "benchmarks with their anchors (extract)"
    static let usage = """
        usage: workbench bench extract [options]

        Times word-activation extraction (every hidden state, mean over subwords, written to
        .npy files as the cache does) over the same treebank sentences for MiniLM and for a
        bert-base-sized model (12 × 768, mBERT's 119,547-row vocabulary, random weights), then
        runs the PyTorch anchor (transformers, length-sorted padded batches of 32) on the same
        token ids and prints the ratio, sgemm efficiency and peak resident memory.

          --treebank FILE    CoNLL-U file (default: UD_English-EWT dev under the UD root)
          --limit N          first N sentences only (default: all)
          --models LIST      minilm,bert-base (default: both)
          --python PATH      Python with torch + transformers for the anchor
                             (default: $NEURON_PYTHON, else .venv/bin/python)
          --no-anchor        skip PyTorch
          --threads N        threads for both sides (default: 2)
        """

    static func run(_ arguments: inout ArgumentList) throws {
        let treebank = try arguments.option("treebank")
        let limit = try arguments.option("limit").map { text -> Int in
            guard let value = Int(text), value > 0 else { throw UsageError("--limit expects a positive integer, got '\(text)'") }
            return value
        }
        let models = try arguments.options("models")
        let python = try arguments.option("python")
        let threads = try arguments.intOption("threads", default: 2)
        let noAnchor = arguments.flag("no-anchor")
        let names = try arguments.positionals()
        guard names == ["extract"] else { throw UsageError("usage: workbench bench extract [options] (see workbench help bench)") }
        try ExtractionBenchmark(
            treebank: treebank.map { URL(fileURLWithPath: $0) }
                ?? SharedData().udRoot().appendingPathComponent("UD_English-EWT/en_ewt-ud-dev.conllu"),
            limit: limit, models: models.isEmpty ? ["minilm", "bert-base"] : models,
            python: noAnchor ? nil : (python ?? ProcessInfo.processInfo.environment["NEURON_PYTHON"] ?? ".venv/bin/python"),
            threads: threads
        ).run()
    }
}
