import Core
import Foundation

/// `workbench intervene`: ablation and translation sweeps on a masked LM (Antverg & Belinkov 2022 §4).
enum InterventionCommand: Command {
    static let name = "intervene"
    static let summary = "edit the top-k neurons of each ranking inside the model; error rate and CLWV against k"
    static let usage = """
        usage: workbench intervene [options]

        For every config (language × attribute × layer): ranks the neurons from the cached
        activations (Linear, Gaussian, Probeless, each top-to-bottom and bottom-to-top, and Random),
        splits the encoder at the layer, edits the top-k neurons of every subword of every word that
        carries the attribute (k = 0, step, …, D), runs the upper layers and the masked-LM head, and
        scores the argmax predictions: error rate and CLWV (correct lemma, wrong value) with the
        chosen analyser, saturation points (footnote 5). Models without a masked-LM head (MiniLM)
        get a readout head fitted on the training split — every such number is labelled "fitted
        readout head, not part of the pretrained model". Prints a Table 1-style summary; writes
        results.json, curves.csv, table.csv, summary.md and figures/*.svg to --out.

          --model NAME|DIR      \(defaults.model) (default), mbert, xlmr, bert, or a folder
          --languages LIST      default \(defaults.languages.joined(separator: ","))
          --attributes LIST     default \(defaults.attributes.joined(separator: ","))
          --layers LIST         hidden states to edit (default \(defaults.layers.map(String.init).joined(separator: ",")))
          --edits LIST          ablate, translate, translate-unscaled (default \(defaultEditNames.joined(separator: ",")))
          --beta X              β of the translations (default \(defaultBeta.compactText))
          --beta-sweep LIST     choose β on dev among these (e.g. 1,2,4,8,12), then run test
          --target VALUE        translate towards this value (default: the next value, cyclic)
          --step N              k step (default \(defaults.step))
          --max-sentences N     first N test sentences with relevant words (default \(defaults.maxSentences ?? 0); 0 = all)
          --analysers LIST      lexicon (treebank forms), apertium (lt-proc), or both (default \(defaults.analysers.map(\.rawValue).joined(separator: ","))):
                                the same predictions scored by each, one result row per analyser
          --gaussian-neurons N  greedy Gaussian ranking length, completed by Probeless (default \(defaults.gaussianNeurons))
          --untied              fit an untied readout head (default: tied to the input embeddings)
          --head-tokens N       training tokens of a fitted head (default \(defaults.readout.maxTokens))
          --min-types N         value filter (default \(defaults.minTypes))
          --out DIR             results folder (default \(ResultsFolder.defaultPath(name))); refused when it
                                holds anything but the results of these settings
          --force               write into --out anyway (the other results' figures/ go)
          --ud-root DIR, --shared DIR, --cache DIR
        """

    /// The settings of a run without options: the parsing and the usage text read every default here
    /// (the model, languages, attributes and layers are the command's; the rest the study's own).
    static let defaults = InterventionStudy.Settings(model: DefaultModels.encoder, languages: ["English", "Spanish", "French"],
                                                     attributes: ["Number", "Gender", "Tense"], layers: [2])
    /// `--edits` without the option: the default settings' edits.
    static let defaultEditNames = defaults.edits.map(optionName)
    /// `--beta` without the option: the β of the default settings' first translation.
    static let defaultBeta: Double = {
        guard let beta = defaults.edits.lazy.compactMap(\.beta).first else { preconditionFailure("the default edits \(defaults.edits) hold no translation") }
        return beta
    }()

    static func run(_ arguments: inout ArgumentList) throws {
        let model = try arguments.option("model") ?? defaults.model
        var languages = try arguments.options("languages")
        if languages.isEmpty { languages = defaults.languages }
        var attributes = try arguments.options("attributes")
        if attributes.isEmpty { attributes = defaults.attributes }
        guard let layers = try arguments.option("layers").map(ExtractCommand.parseLayers) ?? defaults.layers else {
            throw UsageError("--layers must list hidden states")
        }
        var editNames = try arguments.options("edits")
        if editNames.isEmpty { editNames = defaultEditNames }
        let betaText = try arguments.option("beta")
        guard let beta = betaText.map(Double.init) ?? defaultBeta, beta > 0 else { throw UsageError("--beta expects a positive number, got '\(betaText ?? "")'") }
        let betaSweep = try arguments.options("beta-sweep").map { text -> Double in
            guard let value = Double(text), value > 0 else { throw UsageError("--beta-sweep expects positive numbers, got '\(text)'") }
            return value
        }
        let target = try arguments.option("target")
        let step = try arguments.intOption("step", default: defaults.step)
        let maxSentences = try arguments.intOption("max-sentences", default: defaults.maxSentences ?? 0)
        var analyserNames = try arguments.options("analysers")
        if analyserNames.isEmpty { analyserNames = defaults.analysers.map(\.rawValue) }
        let analysers = try analyserNames.map { name -> AnalyserKind in
            guard let kind = AnalyserKind(rawValue: name) else { throw UsageError("--analysers: '\(name)' is not lexicon or apertium") }
            return kind
        }
        let gaussianNeurons = try arguments.intOption("gaussian-neurons", default: defaults.gaussianNeurons)
        let untied = arguments.flag("untied")
        let headTokens = try arguments.intOption("head-tokens", default: defaults.readout.maxTokens)
        let minTypes = try arguments.intOption("min-types", default: defaults.minTypes)
        let out = try ResultsFolder.url(try arguments.option("out") ?? ResultsFolder.defaultPath(Self.name))
        let force = arguments.flag("force")
        let shared = SharedData(root: try arguments.option("shared").map { URL(fileURLWithPath: $0, isDirectory: true) })
        let udRoot = try arguments.option("ud-root")
        let cacheRoot = try arguments.option("cache")
        try arguments.finish()
        guard step >= 1, maxSentences >= 0, gaussianNeurons >= 1, headTokens >= 1 else {
            throw UsageError("--step, --gaussian-neurons and --head-tokens must be positive, --max-sentences ≥ 0")
        }
        let edits = try editNames.map { try parseEdit($0, beta: beta) }
        if let udRoot { setenv("UD_ROOT", udRoot, 1) }

        var settings = InterventionStudy.Settings(model: model, languages: languages, attributes: attributes, layers: layers)
        settings.edits = edits
        settings.step = step
        settings.maxSentences = maxSentences == 0 ? nil : maxSentences
        settings.analysers = analysers
        settings.gaussianNeurons = gaussianNeurons
        settings.readout.tied = !untied
        settings.readout.maxTokens = headTokens
        settings.minTypes = minTypes
        settings.betaSweep = betaSweep
        settings.target = target
        let cache = cacheRoot.map { ActivationCache(cacheRoot: URL(fileURLWithPath: $0, isDirectory: true)) } ?? ActivationCache()
        let study = InterventionStudy(settings: settings, shared: shared, activationCache: cache)
        // The folder is checked before any work: these settings own it, or --force.
        try ResultsFolder.claim(out, for: ResultsFolder.Owner(study: "intervene", identity: ContentHash.combine(["intervene", String(describing: settings)])),
                                force: force, log: { print($0) })
        Interruption.install()
        let results = try study.run()
        let report = InterventionReport(results: results)
        try report.write(to: out)
        print("")
        print(report.summary)
        print("\nresults    \(out.path) (results.json, curves.csv, table.csv, summary.md, figures/*.svg)")
    }

    /// `ablate`, `translate`, `translate-unscaled` with β.
    static func parseEdit(_ name: String, beta: Double) throws -> NeuronEdit {
        switch name {
        case "ablate", "ablation": return .ablate
        case "translate", "translation": return .translate(beta: beta)
        case "translate-unscaled": return .translateUnscaled(beta: beta)
        default: throw UsageError("--edits: unknown edit '\(name)' (ablate, translate, translate-unscaled)")
        }
    }

    /// The `--edits` name of an edit (``parseEdit(_:beta:)`` reads it back).
    static func optionName(_ edit: NeuronEdit) -> String {
        switch edit {
        case .ablate: return "ablate"
        case .translate: return "translate"
        case .translateUnscaled: return "translate-unscaled"
        }
    }
}
