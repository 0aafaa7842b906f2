import Core
import Foundation

/// `workbench bench NAME`: speed benchmarks that print a ratio against their anchor, measured in the same run.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "benchmarks with their anchors (extract, probe, grid, intervene, decoder, train-lm, gradient, mask)"
    static let usage = """
        usage: workbench bench extract [options]
               workbench bench probe [--layer N] [--max-k K] [--naive-k K] [--synthetic] [--python PATH] [--no-anchor]
               workbench bench grid [--language L] [--config ATTRIBUTE:LAYER …] [--k-step N] [--repeats N] [--schedules reference,shared]
               workbench bench intervene [--model M] [--language L] [--attribute A] [--layer N] [--max-sentences N] [--edit E]
               workbench bench decoder [--model gemma3] [--lengths 128,512] [--prompts N] [--llama-bench PATH] [--no-llama] [--python PATH] [--no-anchor]
               workbench bench train-lm [--width N] [--layers N] [--vocab N] [--batch N] [--bptt N] [--segments N] [--corpus FILE …] [--python PATH] [--no-anchor]
               workbench bench gradient [--models gemma3,lstm] [--sentences N] [--steps N] [--repeats N] [--python PATH] [--no-anchor]
               workbench bench mask [--models gemma3,lstm] [--steps N] [--repeats N] [--train-steps N] [--no-whole-run] [--python PATH] [--no-anchor]

        Times word-activation extraction (every hidden state, mean over subwords, written to
        .npy files as the cache does) over the same treebank sentences for MiniLM and for a
        bert-base-sized model (12 × 768, mBERT's 119,547-row vocabulary, random weights), then
        runs the PyTorch anchor (transformers, length-sorted padded batches of 32) on the same
        token ids, writing the same .npy files, and prints the ratio (each side's best round), each
        round's own ratio (ours over the PyTorch run right after it), sgemm efficiency and peak
        resident memory.

          --treebank FILE    CoNLL-U file (default: UD_English-EWT dev under the UD root)
          --limit N          first N sentences only (default: all)
          --models LIST      minilm,bert-base (default: both)
          --python PATH      Python with torch + transformers for the anchor
                             (default: $NEURON_PYTHON, else .venv/bin/python)
          --no-anchor        skip PyTorch
          --threads N        threads for both sides (default: \(Defaults.threads))
          --repeats N        alternating rounds of ours and PyTorch, best of each (default: \(Defaults.repeats))
          --no-write         neither side writes the .npy files: forward passes and word means only
          --batch-tokens N   most tokens in one of our packed batches (default: \(WordActivationExtractor.defaultMaxBatchTokens))
          --workers N        our batches in flight, each on single-threaded BLAS (default:
                             one per core; 1 = one batch at a time on --threads BLAS threads)

        probe: on MiniLM layer \(Defaults.probeLayer) (default) over UD English EWT, Number — one elastic-net probe and a
        fresh probe for every k = 1…K (default \(Defaults.maxK)) against PyTorch on the same features; the greedy
        Gaussian ranking to k = 150, and against the naive per-candidate refit at k ≤ --naive-k
        (default \(Defaults.naiveK)); --synthetic adds the D = 384 / 768, N = 20k synthetic ranking benchmark.

        grid: the main job's slowest config (Part of Speech, all layers side by side) and a typical one
        (Number, layer 4) end to end — rows from the activation cache, rankings, a fresh probe for every
        k, the Gaussian probe per k, the control task, Durrani's analyses (all-layers configs), the
        result cache, the config's JSON and the report with its figures — in the study of
        `scripts/run-main` for one language (MiniLM, layers 2, 4, 6 and all, k = 1, 5, …, 150, a
        fresh results cache each run). Each config runs on both schedules of `ProbingEvaluator`,
        alternating (which goes first flips each round), best of --repeats rounds (default \(Defaults.gridRepeats)):
        reference is the evaluation as it was before issue 18 (one curve at a time, its k in
        parallel; the Gaussian probe factorised from scratch for every k; the first probes and the
        Durrani probes one at a time); shared is what runs now (every curve's probes in one queue,
        costliest first; one factorisation per ranking for its Gaussian curve; the first probes side
        by side). Work both share (the probe code itself, data loading, the report) is the same code on
        both sides, so the ratio is that of the schedules only. Prints wall time per phase, the work
        inside the parallel phases in seconds summed over the cores, the probes' seconds per k, the
        end-to-end ratio and whether both schedules gave the same curves, rankings and analyses.
          --language L       default \(Defaults.language)
          --config A:L       attribute and layer (a hidden state or `all`), repeatable
                             (default \(Defaults.gridConfigs.map { "\($0.attribute):\($0.layer.map(String.init) ?? "all")" }.joined(separator: " and ")))
          --k-step N         default \(Defaults.kStep), as scripts/run-main

        intervene: one config's full k sweep (k = 0…D step 10; Probeless top-to-bottom, bottom-to-top
        and Random; test split; defaults: \(ProbeCommand.Defaults.model), \(Defaults.language), \(Defaults.attribute), layer \(Defaults.interventionLayer), first \(Defaults.maxSentences) sentences,
        \(Defaults.edit) β = \(InterventionCommand.defaultBeta.compactText)) with layers 1…l run once per batch, against re-running the whole model for
        every k, in the same run (alternating, best of 2 each): sentences/s and the ratio.

        decoder: a GGUF causal model's prompt processing (default \(DefaultModels.causal); prompts of --lengths tokens,
        default \(Defaults.lengths.map(String.init).joined(separator: ",")), --prompts of each, default \(Defaults.prompts), cut from the running text of --treebank; every
        hidden state kept, no logits) beside transformers (the same GGUF dequantised to float32, the
        same ids, base model with every hidden state) and llama.cpp's `llama-bench -p … -n 0` on the
        same file, all on --threads threads (default \(Defaults.threads)), best of --repeats rounds (default \(Defaults.repeats); ours
        before and after the anchors); then the share of our time per stage. llama-bench is found by
        --llama-bench, $LLAMA_BENCH or PATH (README: building the anchor).

        train-lm: training words per second of `workbench train-lm`'s LSTM language model (its default
        sizes: \(TrainLMCommand.defaults.layers) × \(TrainLMCommand.defaults.width), the \(TrainLMCommand.defaults.vocabularySize) most frequent words of the English treebanks + <unk>, <eos>, dropout
        \(TrainLMCommand.defaults.dropout.compactText), batch \(TrainLMCommand.defaults.batchSize) × bptt \(TrainLMCommand.defaults.bptt), SGD with clipping) beside PyTorch's nn.LSTM LM trained as
        word_language_model's main.py does, on the same ids, sizes, batch, BPTT and --threads (default \(Defaults.threads)):
        --segments per round (default \(Defaults.segments)) after one warm-up, best of --repeats (default \(Defaults.trainLMRepeats)); then where
        each side's time goes.

        gradient: forward + backward of one intervention step — a sigmoid gate σ(g) and a baseline b on
        the units of one site at position 1 (Gemma 3: hidden state 6; the LSTM: layer 1's h, inside
        its recurrence), loss = mean logit difference of two words at each sentence's last position,
        gradient back to g — through `gradient(…)`, beside PyTorch autograd (a forward hook; the same
        GGUF in transformers, float32; the same random Gulordava-sized LSTM, 2 × 650, 50k words) on the
        same --sentences (default \(Defaults.sentences)) treebank sentences of 8–12 tokens, gate and baseline; checks
        that both give the same loss and gradient; best of --repeats rounds (default \(Defaults.repeats)) of --steps
        steps (default \(Defaults.steps)), the rounds alternating (the anchor stays loaded); then our step's phases.

        mask: one Hard Concrete training step of `workbench mask` (number, single-step, → plural, the
        model's default site and settings; a batch of \(MaskTrainingSettings().batchSize) training examples; L_ratio + KL over the changed
        rows and the full vocabulary; gates drawn, pullbacks, Adam, λ) on gemma3 and on the LSTM that
        `workbench train-lm` caches (models: gemma3, lstm or an LSTM folder), beside the same step in
        PyTorch autograd on the same batch (scripts/bench_mask_pytorch.py; Gemma through transformers'
        GGUF loading, which needs `accelerate`); first checks both give the same objective and gradients
        in every gate and in b; best of --repeats alternating rounds (default \(Defaults.repeats)) of --steps steps (default
        \(Defaults.steps)), each side's phases; then the whole single-step number run with `workbench mask`'s defaults
        (every direction, --train-steps, default the training's \(MaskTrainingSettings().steps), and the held-out measure), with the
        step since which the units have not changed and the time to it (--no-whole-run skips it).
        """

    /// The benchmarks' defaults, each written once: the parsing and the usage text read them.
    enum Defaults {
        static let threads = 2
        /// Rounds without `--repeats` (grid: ``gridRepeats``, train-lm: ``trainLMRepeats``).
        static let repeats = 3
        static let gridRepeats = 1
        static let trainLMRepeats = 2
        static let probeLayer = 3
        static let maxK = 150
        static let naiveK = 15
        static let language = "English"
        static let attribute = "Number"
        static let gridConfigs: [(attribute: String, layer: Int?)] = [("pos", nil), ("Number", 4)]
        static let kStep = 5
        static let interventionLayer = 2
        static let maxSentences = InterventionCommand.defaults.maxSentences ?? 0
        static let edit = "translate"
        static let lengths = [128, 512]
        static let prompts = 4
        static let segments = 5
        static let sentences = 16
        static let steps = 5
    }

    static func run(_ arguments: inout ArgumentList) throws {
        let treebank = try arguments.option("treebank")
        let limit = try arguments.option("limit").map { text -> Int in
            guard let value = Int(text), value > 0 else { throw UsageError("--limit expects a positive integer, got '\(text)'") }
            return value
        }
        let models = try arguments.options("models")
        let python = try arguments.option("python")
        let threads = try arguments.intOption("threads", default: Defaults.threads)
        let workers = try arguments.intOption("workers", default: ProcessorCores.available)
        let repeatsGiven = try arguments.option("repeats").map { text -> Int in
            guard let value = Int(text) else { throw UsageError("option --repeats expects an integer, got '\(text)'") }
            return value
        }
        let repeats = repeatsGiven ?? Defaults.repeats
        guard repeats >= 1 else { throw UsageError("--repeats expects at least 1, got \(repeats)") }
        let batchTokens = try arguments.option("batch-tokens").map { text -> Int in
            guard let value = Int(text), value > 0 else { throw UsageError("--batch-tokens expects a positive integer, got '\(text)'") }
            return value
        }
        let noAnchor = arguments.flag("no-anchor")
        let noWrite = arguments.flag("no-write")
        let layerText = try arguments.option("layer")
        let chosenLayer = try layerText.map { text -> Int in
            guard let value = Int(text), value >= 0 else { throw UsageError("--layer expects a hidden-state index, got '\(text)'") }
            return value
        }
        let layer = chosenLayer ?? Defaults.probeLayer
        let maxK = try arguments.intOption("max-k", default: Defaults.maxK)
        let naiveK = try arguments.intOption("naive-k", default: Defaults.naiveK)
        let synthetic = arguments.flag("synthetic")
        let modelOption = try arguments.option("model")
        let model = modelOption ?? ProbeCommand.Defaults.model
        let language = try arguments.option("language") ?? Defaults.language
        let attribute = try arguments.option("attribute") ?? Defaults.attribute
        let maxSentences = try arguments.intOption("max-sentences", default: Defaults.maxSentences)
        let editName = try arguments.option("edit") ?? Defaults.edit
        let lengths = try arguments.options("lengths").map { text -> Int in
            guard let value = Int(text), value >= 2 else { throw UsageError("--lengths expects token counts ≥ 2, got '\(text)'") }
            return value
        }
        let promptCount = try arguments.intOption("prompts", default: Defaults.prompts)
        let llamaBench = try arguments.option("llama-bench")
        let noLlama = arguments.flag("no-llama")
        let width = try arguments.intOption("width", default: TrainLMCommand.defaults.width)
        let lstmLayers = try arguments.intOption("layers", default: TrainLMCommand.defaults.layers)
        let vocabulary = try arguments.intOption("vocab", default: TrainLMCommand.defaults.vocabularySize)
        let batch = try arguments.intOption("batch", default: TrainLMCommand.defaults.batchSize)
        let bptt = try arguments.intOption("bptt", default: TrainLMCommand.defaults.bptt)
        let segments = try arguments.intOption("segments", default: Defaults.segments)
        let corpus = try arguments.options("corpus")
        let sentenceCount = try arguments.intOption("sentences", default: Defaults.sentences)
        let steps = try arguments.intOption("steps", default: Defaults.steps)
        let trainSteps = try arguments.intOption("train-steps", default: MaskTrainingSettings().steps)
        let noWholeRun = arguments.flag("no-whole-run")
        let kStep = try arguments.intOption("k-step", default: Defaults.kStep)
        let schedules = try arguments.options("schedules").map { name -> ProbingEvaluator.Schedule in
            guard let schedule = ProbingEvaluator.Schedule(rawValue: name) else {
                throw UsageError("--schedules lists reference and/or shared, not '\(name)'")
            }
            return schedule
        }
        let configs = try arguments.options("config").map { text -> (attribute: String, layer: Int?) in
            let parts = text.split(separator: ":").map(String.init)
            guard parts.count == 2, parts[1] == "all" || Int(parts[1]) != nil else {
                throw UsageError("--config expects ATTRIBUTE:LAYER (a hidden state or all), got '\(text)'")
            }
            return (parts[0], Int(parts[1]))
        }
        let names = try arguments.positionals()
        if names == ["mask"] {
            guard steps >= 1, trainSteps >= 1 else { throw UsageError("--steps and --train-steps expect at least 1") }
            try MaskBenchmark(models: models.isEmpty ? ["gemma3", "lstm"] : models, shared: SharedData(),
                              python: noAnchor ? nil : (python ?? ProcessInfo.processInfo.environment["NEURON_PYTHON"] ?? ".venv/bin/python"),
                              threads: threads, repeats: repeats, steps: steps, trainSteps: noWholeRun ? nil : trainSteps).run()
            return
        }
        if names == ["train-lm"] {
            guard segments >= 1 else { throw UsageError("--segments expects at least 1, got \(segments)") }
            var settings = LSTMTrainingSettings()
            settings.width = width
            settings.layers = lstmLayers
            settings.vocabularySize = vocabulary
            settings.batchSize = batch
            settings.bptt = bptt
            try settings.validate()
            try TrainLMBenchmark(settings: settings,
                                 files: corpus.isEmpty ? try TrainLMCommand.defaultCorpus(SharedData()) : corpus.map { URL(fileURLWithPath: $0) },
                                 segments: segments, repeats: repeatsGiven ?? Defaults.trainLMRepeats, threads: threads,
                                 python: noAnchor ? nil : (python ?? ProcessInfo.processInfo.environment["NEURON_PYTHON"] ?? ".venv/bin/python")).run()
            return
        }
        if names == ["decoder"] {
            guard promptCount >= 1 else { throw UsageError("--prompts expects at least 1, got \(promptCount)") }
            try DecoderBenchmark(
                model: modelOption ?? DefaultModels.causal,
                treebank: treebank.map { URL(fileURLWithPath: $0) }
                    ?? SharedData().udRoot().appendingPathComponent("UD_English-EWT/en_ewt-ud-dev.conllu"),
                lengths: lengths.isEmpty ? Defaults.lengths : lengths, promptCount: promptCount,
                python: noAnchor ? nil : (python ?? ProcessInfo.processInfo.environment["NEURON_PYTHON"] ?? ".venv/bin/python"),
                llamaBench: llamaBench, skipLlama: noLlama || noAnchor, threads: threads, workers: workers, repeats: repeats
            ).run()
            return
        }
        if names == ["gradient"] {
            guard sentenceCount >= 1, steps >= 1 else { throw UsageError("--sentences and --steps expect at least 1") }
            try GradientBenchmark(
                models: models.isEmpty ? ["gemma3", "lstm"] : models,
                treebank: treebank.map { URL(fileURLWithPath: $0) }
                    ?? SharedData().udRoot().appendingPathComponent("UD_English-EWT/en_ewt-ud-dev.conllu"),
                sentenceCount: sentenceCount,
                python: noAnchor ? nil : (python ?? ProcessInfo.processInfo.environment["NEURON_PYTHON"] ?? ".venv/bin/python"),
                threads: threads, repeats: repeats, steps: steps
            ).run()
            return
        }
        if names == ["intervene"] {
            try InterventionBenchmark(model: model, language: language, attribute: attribute, layer: chosenLayer ?? Defaults.interventionLayer,
                                      maxSentences: maxSentences == 0 ? nil : maxSentences,
                                      edit: try InterventionCommand.parseEdit(editName, beta: InterventionCommand.defaultBeta)).run()
            return
        }
        let anchorPython = noAnchor ? nil : (python ?? ProcessInfo.processInfo.environment["NEURON_PYTHON"] ?? ".venv/bin/python")
        if names == ["grid"] {
            let rounds = repeatsGiven ?? Defaults.gridRepeats
            guard kStep >= 1 else { throw UsageError("--k-step expects at least 1") }
            let chosen = configs.isEmpty ? Defaults.gridConfigs : configs
            let layers = Set(chosen.compactMap(\.layer)).union([2, 4, 6]).sorted().map(String.init).joined(separator: ",")
            let attributes = chosen.map(\.attribute).joined(separator: ",")
            try GridBenchmark(studyArguments: ["--model", model, "--languages", language, "--attributes", attributes,
                                               "--layers", layers, "--all-layers", "--k-step", String(kStep)],
                              configs: chosen, schedules: schedules.isEmpty ? [.reference, .shared] : schedules, rounds: rounds).run()
            return
        }
        if names == ["probe"] {
            try ProbeBenchmark(layer: layer, maxK: maxK, naiveK: naiveK, python: anchorPython, synthetic: synthetic).run()
            return
        }
        guard names == ["extract"] else { throw UsageError("usage: workbench bench extract|probe|intervene|decoder|train-lm|gradient|mask [options] (see workbench help bench)") }
        try ExtractionBenchmark(
            treebank: treebank.map { URL(fileURLWithPath: $0) }
                ?? SharedData().udRoot().appendingPathComponent("UD_English-EWT/en_ewt-ud-dev.conllu"),
            limit: limit, models: models.isEmpty ? ["minilm", "bert-base"] : models,
            python: noAnchor ? nil : (python ?? ProcessInfo.processInfo.environment["NEURON_PYTHON"] ?? ".venv/bin/python"),
            threads: threads, workers: workers, repeats: repeats,
            writes: !noWrite, batchTokens: batchTokens
        ).run()
    }
}
