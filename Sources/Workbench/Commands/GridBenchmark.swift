import Core
import Foundation

/// `workbench bench grid`: the main job's slowest config and a typical one, end to end, on the
/// reference schedule (the evaluation as it was before issue 18) and the shared one, alternating in
/// the same run, with where the time goes and whether both give the same results.
struct GridBenchmark {
    /// The probe options of the configs' study (those of `scripts/run-main`, one language).
    var studyArguments: [String]
    /// The configs to time: an attribute as `workbench probe` takes it (`pos`, `Number`) and a hidden
    /// state, or nil for all layers side by side.
    var configs: [(attribute: String, layer: Int?)]
    var schedules: [ProbingEvaluator.Schedule]
    var rounds: Int

    /// One timed run of one config.
    struct Run {
        var schedule: ProbingEvaluator.Schedule
        var seconds: Double
        var stages: [StageClock.Total]
        var result: ConfigResult
    }

    func run() throws {
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels; "
              + String(format: "sgemm %.0f GFLOP/s (1024³, %d threads)", BenchmarkMeasures.measureSGEMM(), BLAS.threadCount))
        print("load       \(loadAverage()) (1, 5, 15 min) at the start")
        var arguments = ArgumentList(studyArguments)
        let request = try ProbeCommand.request(&arguments, name: "bench-grid")
        try arguments.finish()
        let plan = try StudyPlanner(shared: request.options.shared).plan(request.study)
        let runner = StudyRunner(options: request.options)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bench-grid-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        print("study      workbench probe \(studyArguments.joined(separator: " ")): k = "
              + "\(request.study.neuronCounts.first ?? 0), \(request.study.neuronCounts.dropFirst().first ?? 0), … \(request.study.neuronCounts.last ?? 0) "
              + "(\(request.study.neuronCounts.count) values)")

        var summary: [[String]] = [["config", "neurons", "train/dev/test"] + schedules.map { "\($0.rawValue) s" }
                                   + (schedules.count == 2 ? ["speed-up", "same results"] : [])]
        let probing = plan.configs.filter { $0.work == .probing }
        for (attributeName, layer) in configs {
            let known = Array(Set(probing.map { UniMorphAttribute(rawValue: $0.config.attribute) })).sorted()
            let attribute = try UniMorphAttribute.parse(attributeName, among: known)
            guard let planned = probing.first(where: { $0.config.attribute == attribute.rawValue && $0.config.layer == layer }) else {
                throw UsageError("bench grid: the study has no config \(attributeName) at " + (layer.map { "layer \($0)" } ?? "all layers")
                                 + " (its configs: " + probing.map(\.config.name).joined(separator: ", ") + ")")
            }
            let name = planned.config.name
            var runs: [Run] = []
            for round in 0..<rounds {
                // Alternate which schedule goes first, so neither always meets a warmer or a busier machine.
                for schedule in round % 2 == 0 ? schedules : schedules.reversed() {
                    if Interruption.requested { throw CancellationError() }
                    let cache = scratch.appendingPathComponent("round-\(round)-\(schedule.rawValue)")
                    var job = try runner.prepare(planned, in: plan, resultCache: cache, log: { print($0) })
                    job.probing.schedule = schedule
                    StageClock.start()
                    let start = Date()
                    let (result, _) = try job.result(log: { _ in })
                    try StageClock.measure(.resultsAndFigures) {
                        try StudyRunner.writeResults([result], plan: plan, to: cache.appendingPathComponent("results"))
                    }
                    let seconds = Date().timeIntervalSince(start)
                    runs.append(Run(schedule: schedule, seconds: seconds, stages: StageClock.stopWithCounts(), result: result))
                    print(String(format: "%@  %@ (round %d): %.1f s", name, schedule.rawValue, round + 1, seconds))
                }
            }
            let best = schedules.map { schedule in runs.filter { $0.schedule == schedule }.min { $0.seconds < $1.seconds }! }
            printPhases(name, best)
            printProbesPerK(best)
            let first = best[0].result
            var row = [name, String(first.neuronCount), first.examples.slashed]
            row += best.map { String(format: "%.1f", $0.seconds) }
            if best.count == 2 {
                row.append(String(format: "%.2f×", best[0].seconds / best[1].seconds))
                row.append(comparison(best[0].result, best[1].result))
            }
            summary.append(row)
        }
        print("")
        print("end to end (best of \(rounds) round\(rounds == 1 ? "" : "s") each; rows from the cache to the written report and figures):")
        print(TextTable.render(summary))
        print("load       \(loadAverage()) (1, 5, 15 min) at the end")
    }

    /// The phases that run one after another (wall time), and beside them the work spread over the cores.
    func printPhases(_ name: String, _ runs: [Run]) {
        let sequential: [StageClock.Stage] = [.probingRows, .probingControlTask, .probingStart, .probelessRanking, .gaussianRanking,
                                              .otherRankings, .curves, .gaussianOnAllNeurons, .durraniLambdaSearch, .durraniRest,
                                              .resultCacheWrite, .resultsAndFigures]
        let inside: [StageClock.Stage] = [.linearOnAllNeurons, .gaussianFit, .controlGaussianFit, .gaussianCurve]
        func seconds(_ run: Run, _ stage: StageClock.Stage) -> Double? {
            if stage == .probingStart && run.schedule == .reference {
                // One after the other there: the three jobs are the phase.
                let parts = run.stages.filter { inside.prefix(3).contains($0.stage) }
                return parts.isEmpty ? nil : parts.reduce(0) { $0 + $1.seconds }
            }
            return run.stages.first { $0.stage == stage }?.seconds
        }
        var rows: [[String]] = [["phase (wall time)"] + runs.map(\.schedule.rawValue) + (runs.count == 2 ? ["ratio"] : [])]
        for stage in sequential {
            let values = runs.map { seconds($0, stage) }
            if values.allSatisfy({ $0 == nil }) { continue }
            rows.append([stage.rawValue] + values.map(format) + ratio(values))
        }
        let totals = runs.map { Optional($0.seconds) }
        let accounted = runs.map { run in sequential.compactMap { seconds(run, $0) }.reduce(0, +) }
        rows.append(["other (datasets, bookkeeping)"] + zip(totals, accounted).map { format($0! - $1) } + (runs.count == 2 ? [""] : []))
        rows.append(["total"] + totals.map(format) + ratio(totals))
        rows.append(["(inside, seconds summed over cores)"] + runs.map { _ in "" } + (runs.count == 2 ? [""] : []))
        for stage in inside {
            let values = runs.map { run in run.stages.first { $0.stage == stage }?.seconds }
            if values.allSatisfy({ $0 == nil }) { continue }
            rows.append(["  " + stage.rawValue] + values.map(format) + ratio(values))
        }
        let linear = runs.map { run in perK(run, prefix: "linear probe, k = ").values.reduce(0, +) }
        rows.append(["  linear probes, every k (task + control)"] + linear.map { format($0) } + ratio(linear))
        let gaussian = runs.map { run -> Double? in
            let perK = perK(run, prefix: "Gaussian probe, k = ").values.reduce(0, +)
            let curves = run.stages.first { $0.stage == .gaussianCurve }?.seconds ?? 0
            return perK + curves
        }
        rows.append(["  Gaussian probes, every k (task + control)"] + gaussian.map(format) + ratio(gaussian))
        print("")
        print("\(name): where the time goes (best round of each schedule)")
        print(TextTable.render(rows))
    }

    /// Seconds of the fresh probes at each k, summed over rankings, task and control and cores.
    func printProbesPerK(_ runs: [Run]) {
        let linear = runs.map { perK($0, prefix: "linear probe, k = ") }
        let gaussian = runs.map { perK($0, prefix: "Gaussian probe, k = ") }
        let counts = Set(linear.flatMap(\.keys)).union(gaussian.flatMap(\.keys)).sorted()
        guard !counts.isEmpty else { return }
        let shown = counts.count <= 8 ? counts : counts.enumerated().filter { $0.offset % max(1, counts.count / 6) == 0 || $0.element == counts.last }.map(\.element)
        var rows: [[String]] = [["k"] + runs.map { "linear, \($0.schedule.rawValue)" } + runs.map { "Gaussian, \($0.schedule.rawValue)" }]
        for k in shown {
            rows.append([String(k)] + linear.map { format($0[k]) } + gaussian.map { format($0[k]) })
        }
        let curves = runs.map { run in run.stages.first { $0.stage == .gaussianCurve }?.seconds }
        rows.append(["every k at once"] + runs.map { _ in "" } + curves.map { $0.map { format($0) } ?? "" })
        print("probes per k (seconds over all rankings, task + control, summed over cores; Gaussian on the shared schedule: whole curves)")
        print(TextTable.render(rows))
    }

    func perK(_ run: Run, prefix: String) -> [Int: Double] {
        var values: [Int: Double] = [:]
        for total in run.stages where total.stage.rawValue.hasPrefix(prefix) {
            if let k = Int(total.stage.rawValue.dropFirst(prefix.count)) { values[k] = total.seconds }
        }
        return values
    }

    /// "identical", or where two results of the same config differ.
    func comparison(_ a: ConfigResult, _ b: ConfigResult) -> String {
        var notes: [String] = []
        var differing = 0, largest = 0.0, entries = 0
        for curve in a.curves {
            guard let other = b.curve(curve.classifier, curve.ranking) else { notes.append("no \(curve.combination) curve"); continue }
            for (x, y) in zip(curve.accuracy + (curve.controlAccuracy ?? []), other.accuracy + (other.controlAccuracy ?? [])) {
                entries += 1
                if x != y && !(x.isNaN && y.isNaN) { differing += 1; largest = max(largest, abs(x - y)) }
            }
        }
        if differing > 0 { notes.append(String(format: "%d of %d curve points differ (max %.2g)", differing, entries, largest)) }
        if a.rankings != b.rankings { notes.append("rankings differ") }
        if a.fullAccuracy != b.fullAccuracy { notes.append("accuracy on all neurons differs") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if (try? encoder.encode(a.durrani)) != (try? encoder.encode(b.durrani)) { notes.append("Durrani's analyses differ") }
        return notes.isEmpty ? "identical (\(entries) curve points)" : notes.joined(separator: "; ")
    }

    func format(_ value: Double?) -> String {
        guard let value else { return "—" }
        return value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }

    func ratio(_ values: [Double?]) -> [String] {
        guard values.count == 2 else { return [] }
        guard let a = values[0], let b = values[1], b > 0 else { return ["—"] }
        return [String(format: "%.2f×", a / b)]
    }

    func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: ", ")
    }
}

extension StageClock.Stage {
    /// The config's JSON and the report with its figures, written as a run writes them.
    static let resultsAndFigures = Self("results and figures written")
}
