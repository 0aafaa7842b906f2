import Core
import Foundation

/// `workbench probe`: the probing grid of Antverg & Belinkov 2022 §3 with Durrani et al.'s analyses.
enum ProbeCommand: Command {
    static let name = "probe"
    static let summary = "rank neurons and evaluate the rankings with linear and Gaussian probes over a grid"
    static let usage = """
        usage: workbench probe [options]

        For every config (language × attribute × layer): extracts (or reuses) the activations, builds
        the attribute dataset, ranks the neurons by Linear, Gaussian, Probeless and Random (plus the
        bottom-to-top of each), and evaluates every ranking with a retrained linear probe and the
        Gaussian probe on the top k neurons, with a control task for selectivity. Then compares the
        configs: Wilcoxon tests, K-means clusters with t-SNE, top-100 overlaps; and runs Durrani et
        al.'s λ search, ablation and minimal neuron sets. Results (report.md, JSON, CSV, figures) go to --out.

          --model NAME|PATH    \(Defaults.model) (default), mbert, xlmr, bert, gemma3, a folder or a GGUF file
          --languages LIST     e.g. \(Defaults.list(Defaults.languages)) (default)
          --attributes LIST    e.g. \(Defaults.list(Defaults.attributes)) (default)
          --layers LIST        hidden states, e.g. 2,4,6 (default: \(Defaults.list(Defaults.layers.map(String.init))))
          --all-layers         also probe the layers concatenated (Durrani §5)
          --max-k N            curves for k = 1…N (default \(Defaults.maxK)); the greedy Gaussian
                               ranking selects that many neurons too
          --k-step N           evaluate k = 1 and every multiple of N only (default \(Defaults.kStep): every k)
          --control SAMPLER    uniform (Antverg) or empirical (Durrani); default \(Defaults.control.rawValue)
          --min-types N        value filter (default \(Defaults.minTypes))
          --durrani WHERE      Durrani et al.'s analyses on: concatenated (default with --all-layers:
                               the all-layers configs only), every (config), none
          --out DIR            results folder (default \(ResultsFolder.defaultPath(name))); refused when it holds
                               anything but this grid's results
          --force              write into --out anyway (another study's configs/ and figures/ go)
          --dry-run            show the plan and an estimate; run nothing
          --shard i/n          run a deterministic share of the configs (join with `workbench merge`)
          --ud-root DIR, --shared DIR, --cache DIR

        Activations you extracted yourself (PyTorch, TransformerLens, nnsight) instead of a model:
          --activations LIST   .npy arrays [words, neurons], float32 or float16, one per layer
                               (numpy.save("x.npy", acts)); layers from names like layer-04.npy,
                               else 0, 1, …, or from --layers
          --labels FILE…       a .tsv/.txt with one label per row (label, or label<TAB>split with
                               train/dev/test, or label<TAB>split<TAB>word; a header line naming
                               label/split/word columns may reorder them), or CoNLL-U files whose
                               words are the rows, in order (more files may follow as arguments)
          --attribute NAME     for CoNLL-U labels: the UniMorph attribute (Number, pos, …)
          --split-seed N       seed of the \(SplitRecipe.defaultHashed.percentages) split when the labels give none (default \(Defaults.splitSeed))
        """

    /// The defaults of the options `probe` and `rank` share, each written once: the parsing and the
    /// usage text read them (those a study or its settings hold come from there).
    enum Defaults {
        static let model = DefaultModels.encoder
        static let languages = ["English", "Spanish", "French"]
        static let attributes = ["Number", "Gender", "Tense", "Part of Speech"]
        static let layers = [2, 4, 6]
        /// The largest k of a study's curves (`StudyDescription.neuronCounts`: 1…k).
        static let maxK = StudyDescription(name: "probe").neuronCounts.max() ?? 1
        static let kStep = 1
        static let control = ConfigProbing.Settings(model: model).control
        static let minTypes = StudyDescription(name: "probe").minTypes
        /// The seed of an imported dataset's hashed split (`ActivationImport.splitSeed`).
        static let splitSeed = ActivationImport(arrays: [], labels: []).splitSeed

        /// `a,b,"c d"`: a list as the options take it.
        static func list(_ words: [String]) -> String {
            words.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: ",")
        }
    }

    /// The activations and labels of `--activations … --labels …`, or nil when not given.
    static func importedActivations(_ arguments: inout ArgumentList) throws -> ActivationImport? {
        let arrays = try arguments.options("activations")
        let labels = try arguments.options("labels")
        let attribute = try arguments.option("attribute")
        let seed = try arguments.intOption("split-seed", default: Int(Defaults.splitSeed))
        if arrays.isEmpty {
            guard labels.isEmpty, attribute == nil else { throw UsageError("--labels and --attribute go with --activations FILE.npy") }
            return nil
        }
        guard !labels.isEmpty else { throw UsageError("--activations needs --labels: a .tsv with one label per row, or CoNLL-U files") }
        guard seed >= 0 else { throw UsageError("--split-seed must be ≥ 0") }
        return ActivationImport(arrays: arrays, labels: labels, attribute: attribute, splitSeed: UInt64(seed))
    }

    /// The import with the arguments left after every option as further labels files (a shell glob
    /// after `--labels`: `--labels ud/UD_English-EWT/*.conllu`). Call after reading every option.
    static func moreLabels(_ arguments: inout ArgumentList, for activations: ActivationImport?) throws -> ActivationImport? {
        guard var activations else { return nil }
        activations.labels += try arguments.positionals()
        return activations
    }

    /// `--model`, `--languages` and `--attributes` describe a model's treebanks, which a user's arrays replace.
    static func refuseModelOptions(_ arguments: inout ArgumentList, with activations: ActivationImport?) throws {
        guard activations != nil else { return }
        for name in ["model", "languages", "attributes", "ud-root"] where try arguments.option(name) != nil {
            throw UsageError("--\(name) does not go with --activations: the arrays and labels replace the model and its treebanks")
        }
    }

    /// A parsed `probe` (or `rank`) command line: the study and how to run it.
    struct Request {
        var study: StudyDescription
        var options: StudyRunner.Options
        var out: URL
    }

    /// Parses the options `probe` and `rank` share into a study (call `arguments.finish()` after
    /// taking the command's own options).
    static func request(_ arguments: inout ArgumentList, name: String) throws -> Request {
        let activations = try importedActivations(&arguments)
        try refuseModelOptions(&arguments, with: activations)
        let model = try arguments.option("model") ?? Defaults.model
        var languages = try arguments.options("languages")
        if languages.isEmpty { languages = Defaults.languages }
        var attributes = try arguments.options("attributes")
        if attributes.isEmpty { attributes = Defaults.attributes }
        let layerOption = try arguments.option("layers")
        guard let layers = try layerOption.map(ExtractCommand.parseLayers) ?? Defaults.layers else { throw UsageError("--layers must list hidden states") }
        let allLayers = arguments.flag("all-layers")
        let maxK = try arguments.intOption("max-k", default: Defaults.maxK)
        let step = try arguments.intOption("k-step", default: Defaults.kStep)
        let controlName = try arguments.option("control") ?? Defaults.control.rawValue
        guard let control = ControlTask.Sampler(rawValue: controlName) else { throw UsageError("--control must be uniform or empirical") }
        let minTypes = try arguments.intOption("min-types", default: Defaults.minTypes)
        let durraniScope = try arguments.option("durrani") ?? "concatenated"
        guard ["concatenated", "every", "none"].contains(durraniScope) else {
            throw UsageError("--durrani must be concatenated, every or none, not '\(durraniScope)'")
        }
        let out = try ResultsFolder.url(try arguments.option("out") ?? ResultsFolder.defaultPath(name))
        let force = arguments.flag("force")
        let shared = SharedData(root: try arguments.option("shared").map { URL(fileURLWithPath: $0, isDirectory: true) })
        let udRoot = try arguments.option("ud-root")
        let cacheRoot = try arguments.option("cache")
        let dryRun = arguments.flag("dry-run")
        let shard = try arguments.option("shard").map { try Shard(parsing: $0) } ?? .whole
        let imported = try moreLabels(&arguments, for: activations)
        guard maxK >= 1, step >= 1 else { throw UsageError("--max-k and --k-step must be positive") }
        if let udRoot { setenv("UD_ROOT", udRoot, 1) }

        var study = StudyDescription(name: name)
        if var activations = imported {
            if layerOption != nil { activations.layers = layers }
            study.activations = activations
        } else {
            study.model = model
            study.languages = languages
            study.attributes = attributes
            study.layers = layers
        }
        study.allLayersConcatenated = allLayers
        // k = 1, then every step-th k (5, 10, …), always ending at max-k: k = 10, 50, 150 stay in for the tests.
        study.neuronCounts = Array(Set([1, maxK] + Array(stride(from: step, through: maxK, by: step)))).sorted()
        study.control = control
        study.minTypes = minTypes
        study.durrani = durraniScope == "none" ? .none : (durraniScope == "every" || !allLayers ? .every : .concatenated)
        var options = StudyRunner.Options()
        options.output = out
        options.shared = shared
        options.dryRun = dryRun
        options.shard = shard
        options.force = force
        if let cacheRoot { options.activationCache = ActivationCache(cacheRoot: URL(fileURLWithPath: cacheRoot, isDirectory: true)) }
        return Request(study: study, options: options, out: out)
    }

    static func run(_ arguments: inout ArgumentList) throws {
        let request = try request(&arguments, name: "probe")
        try arguments.finish()
        let (out, dryRun, shard) = (request.out, request.options.dryRun, request.options.shard)
        let outcome = try StudyRunner(options: request.options).run(request.study)
        if let report = outcome.report {
            print(report.summary)
            print("\nresults    \(out.path) (report.md, grid.json, curves.csv, wilcoxon.csv, clusters.csv, overlaps.csv, durrani.csv, figures/, configs/)")
        } else if !dryRun {
            print("shard \(shard) done: \(outcome.results.count) configs in \(out.path)/configs — join the shards with `workbench merge`")
        }
    }
}
