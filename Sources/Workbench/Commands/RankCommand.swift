import Core
import Foundation

/// `workbench rank`: the neuron rankings of `probe` without the accuracy curves — the same study
/// (from a model's treebanks or from `--activations … --labels …`), run with no classifier unless
/// `--curves` asks for them; prints each config's top neurons and writes `rankings.csv`.
enum RankCommand: Command {
    static let name = "rank"
    static let summary = "rank neurons (Linear, Gaussian, Probeless, Random) and list the top ones; --curves adds probe curves"
    static let usage = """
        usage: workbench rank [options]

        Ranks the neurons of every config exactly as `workbench probe` does (same data, same cache),
        without evaluating the rankings unless --curves is given, and prints each config's top
        neurons; rankings.csv in --out lists every ranking in full (bottom-to-top is its reverse).

          --activations LIST --labels FILE…   your own .npy arrays and labels (see `workbench help probe`)
          --model, --languages, --attributes, --layers   or a model's treebanks, as for probe
          --rankings LIST      linear,gaussian,probeless,random (default: all four)
          --max-k N            how many neurons the greedy Gaussian ranking selects (default \(ProbeCommand.Defaults.maxK); the
                               Probeless order completes it); with --curves also the curves' last k
          --top N              neurons listed per ranking (default \(defaultTop))
          --curves             also evaluate every ranking with both probes, as probe does
          --out DIR            results folder (default \(ResultsFolder.defaultPath(name)))
          and every other option of probe (--control, --min-types, --split-seed, --cache, --dry-run, …)
        """

    /// Neurons listed per ranking without `--top`.
    static let defaultTop = 10

    static func run(_ arguments: inout ArgumentList) throws {
        let top = try arguments.intOption("top", default: defaultTop)
        let curves = arguments.flag("curves")
        let rankingNames = try arguments.options("rankings")
        let rankings = try rankingNames.map { name in
            guard let method = RankingMethod(rawValue: name.lowercased()), method != .linearWeightMass else {
                throw UsageError("--rankings takes linear, gaussian, probeless, random, not '\(name)'")
            }
            return method
        }
        guard top >= 1 else { throw UsageError("--top must be positive") }
        var request = try ProbeCommand.request(&arguments, name: "rank")
        try arguments.finish()
        if !rankings.isEmpty { request.study.rankings = rankings }
        if !curves {
            request.study.classifiers = []
            request.study.control = nil
            request.study.durrani = .none
        }
        let outcome = try StudyRunner(options: request.options).run(request.study)
        guard !request.options.dryRun else { return }
        var rows = ["config,ranking,position,neuron,layer,score"]
        for result in outcome.results {
            print("\n\(result.config.name): \(result.neuronCount) neurons, labels \(result.labels.joined(separator: " ")), "
                  + "train/dev/test \(result.examples.slashed)")
            let methods = request.study.rankings.map(\.rawValue).filter { result.rankings[$0] != nil }
            var table = [["#"] + methods]
            for position in 0..<min(top, result.neuronCount) {
                table.append(["\(position + 1)"] + methods.map { method in
                    result.rankings[method].map { $0.indices.contains(position) ? String($0[position]) : "" } ?? ""
                })
            }
            print(TextTable.render(table))
            for method in methods {
                guard let order = result.rankings[method] else { continue }
                let scores = result.rankingScores?[method]
                for (position, neuron) in order.enumerated() {
                    let layer = result.config.layer.map(String.init) ?? "all"   // with all layers, `neuron` is the concatenated column
                    let score = scores.flatMap { $0.indices.contains(neuron) ? String($0[neuron]) : nil } ?? ""
                    rows.append("\"\(result.config.name)\",\(method),\(position + 1),\(neuron),\(layer),\(score)")
                }
            }
        }
        let csv = request.out.appendingPathComponent("rankings.csv")
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: csv, options: .atomic)
        print("\nrankings   \(csv.path) (every ranking in full, best first)" + (curves ? "; curves and report in \(request.out.path)" : ""))
    }
}
