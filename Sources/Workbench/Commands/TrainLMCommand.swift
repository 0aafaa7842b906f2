import Core
import Foundation

/// `workbench train-lm`: trains a word-level LSTM language model (Gulordava et al. 2018's recipe).
enum TrainLMCommand: Command {
    static let name = "train-lm"
    static let summary = "train a word-level LSTM language model (Gulordava et al.'s recipe) on treebank sentences or text files"
    static let usage = """
        usage: workbench train-lm [options] [--corpus FILE …]

        Trains an LSTM language model (embedding → stacked LSTM → untied decoder over the words) with
        Gulordava et al. (2018)'s recipe (PyTorch's word_language_model): SGD on the mean cross-entropy
        over the whole vocabulary, the gradient clipped in L2 norm, truncated backpropagation through
        time with h and c carried across segments, dropout on the embeddings, between layers and
        before the decoder; after each epoch the held-out loss decides: a new best is saved, otherwise
        the learning rate is divided by 4. The corpus is the English treebanks (UD_English-EWT, -GUM,
        -PUD) unless --corpus names files: .conllu files are read as treebanks, any other as plain
        text, one sentence per line, split on whitespace. Every --held-out-every-th sentence is held
        out for perplexity. The vocabulary is <unk>, <eos> and the --vocab most frequent training words.

        --out gets config.json, vocab.txt, model.safetensors (the best epoch: a model for --model in
        every command) and training.safetensors (the last epoch and the training state), each written
        under a temporary name and renamed, every epoch. Ctrl-C stops at the next segment; --resume
        continues from the last finished epoch with the same numbers as an uninterrupted run.

          --corpus FILE      a training file (repeatable or comma-separated; default: the English treebanks)
          --out DIR          the model folder (default: models/lstm-lm)
          --layers N         LSTM layers (default \(defaults.layers), as Gulordava et al.)
          --width N          embedding and hidden size (default \(defaults.width); Gulordava et al.: \(LSTMTrainingSettings.gulordava.width))
          --vocab N          most frequent words kept (default \(defaults.vocabularySize); Gulordava et al.: \(LSTMTrainingSettings.gulordava.vocabularySize))
          --epochs N         (default \(defaults.epochs); Gulordava et al.: \(LSTMTrainingSettings.gulordava.epochs)) — on --resume, a new total
          --dropout P        (default \(defaults.dropout.compactText))     --bptt N    words per segment (default \(defaults.bptt))
          --batch N          streams (default \(defaults.batchSize))   --lr X   learning rate (default \(defaults.learningRate.compactText))
          --clip X           largest gradient norm (default \(defaults.clip.compactText))
          --held-out-every K hold out every K-th sentence (default \(defaults.heldOutEvery))
          --seed N           initialisation and dropout (default \(defaults.seed))
          --threads N        BLAS threads (default: every core)
          --resume           continue the run in --out
          --force            start over in an --out that holds a run, or write beside others' files
          --shared DIR       shared reference data (default: $NEURON_SHARED or ../shared)
          --quiet            no progress bar

        The defaults keep Gulordava et al.'s recipe (lr \(defaults.learningRate.compactText), clip \(defaults.clip.compactText), lr / \(defaults.decay.compactText) on a plateau, dropout
        \(defaults.dropout.compactText), emsize = nhid, bptt \(defaults.bptt), batch \(defaults.batchSize)) but scale width, vocabulary and epochs down so a run on
        the ~140k treebank words takes minutes on two cores. Then:
          workbench agree --model DIR --set all      number agreement
          workbench next --model DIR "The keys to the cabinet" --compare are,is
        """

    /// The settings of a run without options (the usage text reads its defaults here).
    static let defaults = LSTMTrainingSettings()

    static let knobs = ["layers", "width", "vocab", "dropout", "bptt", "batch", "lr", "clip", "held-out-every", "seed"]

    static func run(_ arguments: inout ArgumentList) throws {
        var settings = defaults
        var given: [String] = []
        func integer(_ name: String, _ value: inout Int) throws {
            guard let text = try arguments.option(name) else { return }
            guard let number = Int(text) else { throw UsageError("--\(name) expects an integer, got '\(text)'") }
            value = number
            given.append(name)
        }
        func real(_ name: String, _ value: inout Float) throws {
            guard let text = try arguments.option(name) else { return }
            guard let number = Float(text), number.isFinite else { throw UsageError("--\(name) expects a number, got '\(text)'") }
            value = number
            given.append(name)
        }
        try integer("layers", &settings.layers)
        try integer("width", &settings.width)
        try integer("vocab", &settings.vocabularySize)
        try integer("bptt", &settings.bptt)
        try integer("batch", &settings.batchSize)
        try integer("held-out-every", &settings.heldOutEvery)
        var epochs = settings.epochs
        let epochsGiven = try arguments.option("epochs")
        if let epochsGiven {
            guard let number = Int(epochsGiven) else { throw UsageError("--epochs expects an integer, got '\(epochsGiven)'") }
            epochs = number
        }
        settings.epochs = epochs
        var seed = Int(settings.seed)
        try integer("seed", &seed)
        guard seed >= 0 else { throw UsageError("--seed must be 0 or more, not \(seed)") }
        settings.seed = UInt64(seed)
        try real("dropout", &settings.dropout)
        try real("lr", &settings.learningRate)
        try real("clip", &settings.clip)
        let corpusOption = try arguments.options("corpus")
        let out = try ResultsFolder.url(try arguments.option("out") ?? "models/lstm-lm")
        let threads = try arguments.intOption("threads", default: ProcessorCores.available)
        guard threads >= 1 else { throw UsageError("--threads must be at least 1, not \(threads)") }
        let shared = SharedData(root: try arguments.option("shared").map { URL(fileURLWithPath: $0, isDirectory: true) })
        let resume = arguments.flag("resume")
        let force = arguments.flag("force")
        let quiet = arguments.flag("quiet")
        try arguments.finish()
        if resume && force { throw UsageError("--resume continues the run in --out and --force starts it over: give one") }
        if resume, let knob = given.first {
            throw UsageError("--\(knob): a resumed run keeps its settings (only --epochs may change)")
        }
        try settings.validate()

        let files = corpusOption.isEmpty ? try defaultCorpus(shared) : corpusOption.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
        for file in files where !FileManager.default.fileExists(atPath: file.path) {
            throw UsageError("--corpus \(file.path): no such file")
        }
        try LSTMCheckpoint.check(out, resume: resume, force: force)
        BLAS.setThreadCount(threads)
        Interruption.install()

        var trainer: LSTMTrainer
        if resume {
            trainer = try LSTMCheckpoint.resume(out, files: files, epochs: epochsGiven == nil ? nil : epochs)
            print("resuming \(out.path) after epoch \(trainer.state.epochsDone) of \(trainer.state.settings.epochs) (lr \(trainer.state.learningRate))")
        } else {
            let corpus = try LanguageModelCorpus.read(files, heldOutEvery: settings.heldOutEvery)
            trainer = try LSTMTrainer(corpus: corpus, settings: settings)
            try LSTMCheckpoint.start(trainer, in: out)
        }
        let s = trainer.state.settings
        print("corpus  \(files.count) files: \(trainer.wordsPerEpoch) training words, \(trainer.heldOutWordCount) held-out words (with <eos>), vocabulary \(trainer.vocabulary.count)")
        print("model   \(s.layers) × \(s.width) LSTM, dropout \(s.dropout); SGD lr \(s.learningRate), clip \(s.clip), lr / \(s.decay) on a plateau; bptt \(s.bptt), batch \(s.batchSize), \(s.epochs) epochs; \(threads) BLAS threads")
        let started = Date()
        var noClock: LSTMTrainingClock?
        while !trainer.isFinished {
            let epoch = trainer.state.epochsDone + 1
            let bar = ProgressBar("epoch \(epoch)/\(s.epochs)", total: trainer.segmentCount, unit: "batches", throughputUnit: "words", quiet: quiet)
            let epochStart = Date()
            let trainingLoss: Double
            do {
                trainingLoss = try trainer.trainEpoch(progress: { words, loss in
                    bar.setDetail(String(format: "ppl %.1f", exp(loss)))
                    bar.advance(by: 1, throughput: words)
                }, shouldStop: { Interruption.requested }, clock: &noClock)
            } catch is CancellationError {
                bar.finish()
                FileHandle.standardError.write(Data("\ninterrupted in epoch \(epoch): \(out.path) keeps epoch \(epoch - 1); continue with --resume\n".utf8))
                exit(130)
            }
            bar.finish()
            let trainSeconds = Date().timeIntervalSince(epochStart)
            let heldOut = trainer.heldOutLoss()
            let improved = trainer.finishEpoch(trainingLoss: trainingLoss, heldOutLoss: heldOut, seconds: trainSeconds)
            try LSTMCheckpoint.save(trainer, in: out, improved: improved)
            let record = trainer.state.history.last!
            print(String(format: "epoch %d  lr %g  train ppl %.1f  held-out ppl %.1f  %.0f s (%.0f words/s)%@", epoch, Double(record.learningRate),
                         record.trainingPerplexity, record.heldOutPerplexity, record.seconds, record.wordsPerSecond,
                         improved ? "  saved (best)" : "  no better: lr → \(trainer.state.learningRate)"))
        }
        guard let bestLoss = trainer.state.bestHeldOutLoss, let bestEpoch = trainer.state.bestEpoch else { return }
        print(String(format: "\nheld-out perplexity %.1f (epoch %d, best); %.0f s this run", exp(bestLoss), bestEpoch, Date().timeIntervalSince(started)))
        print("wrote \(out.path) (config.json, vocab.txt, model.safetensors, training.safetensors)")
        print("next:  workbench agree --model \(out.path) --set all")
    }

    /// The English treebanks' CoNLL-U files under the UD root, in name order.
    static func defaultCorpus(_ shared: SharedData) throws -> [URL] {
        let root = shared.udRoot()
        var files: [URL] = []
        for treebank in ["UD_English-EWT", "UD_English-GUM", "UD_English-PUD"] {
            let folder = root.appendingPathComponent(treebank, isDirectory: true)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            files += names.filter { $0.hasSuffix(".conllu") }.sorted().map { folder.appendingPathComponent($0) }
        }
        guard !files.isEmpty else {
            throw UsageError("no English treebanks under \(root.path) (UD_English-EWT, -GUM, -PUD); pass --corpus FILE or --shared DIR")
        }
        return files
    }
}
