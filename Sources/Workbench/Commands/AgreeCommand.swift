import Core
import Foundation

/// `workbench agree`: a causal model on the number-agreement stimuli.
enum AgreeCommand: Command {
    static let name = "agree"
    static let summary = "score a causal model on number-agreement stimuli (Lakretz et al. conditions, Gulordava et al.)"
    static let usage = """
        usage: workbench agree [options]

        For every pair of sentences that differ only in the verb's number, compares the log-probability
        of the agreeing verb and of the other after the shared prefix. Accuracy per condition = share
        of pairs where the agreeing verb is more likely; prints a table and a bar chart, writes
        agreement.json and agreement.svg to --out.

          --model NAME|PATH  \(DefaultModels.causal) (default), a GGUF file or an LSTM folder (scripts/convert-gulordava-lstm)
          --set S            lakretz (default), gulordava-english, gulordava-italian or all
          --limit N          pairs per condition, the first N in file order (default \(defaultLimit); 0 = all)
          --shared DIR       shared reference data (default: $NEURON_SHARED or ../shared)
          --out DIR          where the table and figure go (default: \(ResultsFolder.defaultPath(name)))
          --quiet            no progress bar
        """

    /// Pairs per condition without `--limit`.
    static let defaultLimit = 100

    static func run(_ arguments: inout ArgumentList) throws {
        let source = try ModelCatalog.source(try arguments.option("model") ?? DefaultModels.causal)
        let set = try arguments.option("set") ?? "lakretz"
        let limit = try arguments.intOption("limit", default: defaultLimit)
        guard limit >= 0 else { throw UsageError("--limit must be 0 (all) or more, not \(limit)") }
        let shared = SharedData(root: try arguments.option("shared").map { URL(fileURLWithPath: $0, isDirectory: true) })
        let out = URL(fileURLWithPath: try arguments.option("out") ?? ResultsFolder.defaultPath(Self.name), isDirectory: true)
        let quiet = arguments.flag("quiet")
        try arguments.finish()
        let agreement = shared.root.appendingPathComponent("agreement")
        var pairs: [AgreementPair] = []
        let sets = set == "all" ? ["lakretz", "gulordava-english", "gulordava-italian"] : [set]
        for name in sets {
            switch name {
            case "lakretz": pairs += try AgreementStimuli.lakretz(folder: agreement.appendingPathComponent("lakretz2019"))
            case "gulordava-english", "gulordava-italian":
                let language = name == "gulordava-english" ? "English" : "Italian"
                pairs += try AgreementStimuli.gulordava(file: agreement.appendingPathComponent("gulordava2018/\(language)/generated.tab"),
                                                        condition: "gulordava \(language)")
            default: throw UsageError("--set must be lakretz, gulordava-english, gulordava-italian or all, not '\(name)'")
            }
        }
        if limit > 0 {
            var taken: [String: Int] = [:]
            pairs = pairs.filter { pair in
                taken[pair.condition, default: 0] += 1
                return taken[pair.condition]! <= limit
            }
        }
        let (model, tokenizer) = try source.load()
        let predictor = try NextTokenPredictor(model: model, tokenizer: tokenizer)
        let bar = ProgressBar("scoring", total: pairs.count, unit: "pairs", quiet: quiet)
        let started = Date()
        let scores = try AgreementScorer(predictor: predictor).score(pairs) { bar.advance(by: $0) }
        bar.finish()
        var rows = [["condition", "pairs", "accuracy", "mean log p(agreeing) − log p(other)", "skipped (too long)"]]
        for score in scores {
            rows.append([score.condition, "\(score.pairs)", String(format: "%.1f%%", score.accuracy * 100),
                         String(format: "%+.2f", score.meanLogRatio), "\(score.skipped)"])
        }
        print("model  \(source.name) (\(predictor.model.summary)); \(pairs.count) pairs in \(String(format: "%.0f", Date().timeIntervalSince(started))) s\n")
        print(TextTable.render(rows))
        let figure = AgreementScorer.figure(scores, model: source.name)
        print("\n" + figure.terminal(width: 100, height: 18))
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(scores).write(to: out.appendingPathComponent("agreement.json"), options: .atomic)
        try figure.write(to: out.appendingPathComponent("agreement.svg"))
        print("\nwrote \(out.path)/agreement.json and agreement.svg")
    }
}
