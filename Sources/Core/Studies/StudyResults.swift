import Foundation
import Analysis
import Support

/// A study's results folder: `study.json` (the study, its plan and shard), `configs/<id>.json`
/// (one record per config, with provenance), the report (`report.md`, CSV tables, `figures/`), and
/// `.workbench-study`, the mark of the study that owns it (``ResultsFolder``).
/// Shards of one study write the same layout; ``merge(_:into:)`` joins them.
public enum StudyResults {
    /// `study.json`.
    public struct Record: Sendable, Codable {
        public var tool: String
        public var study: StudyDescription
        public var digest: String
        public var shard: String
        public var model: String
        public var configs: [PlannedConfig]
        public var notes: [String]
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    static func writeRecord(plan: StudyPlan, shard: Shard, to folder: URL) throws {
        let record = Record(tool: BuildInfo.tool, study: plan.study, digest: plan.digest,
                            shard: shard.description, model: plan.modelFolder.path, configs: plan.configs, notes: plan.notes)
        try encoder().encode(record).write(to: folder.appendingPathComponent("study.json"), options: .atomic)
    }

    static func write(_ result: some Encodable, as identifier: String, in folder: URL) throws {
        try encoder().encode(result).write(to: folder.appendingPathComponent("configs/\(identifier).json"), options: .atomic)
    }

    /// Reads the intervention sweeps of a folder that belong to its plan, in plan order.
    public static func interventions(in folder: URL, record: Record) throws -> [String: [InterventionResult]] {
        var found: [String: [InterventionResult]] = [:]
        for planned in record.configs where planned.work.intervention != nil {
            let url = folder.appendingPathComponent("configs/\(planned.identifier).json")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            do { found[planned.identifier] = try JSONDecoder().decode([InterventionResult].self, from: Data(contentsOf: url)) } catch {
                throw StudyError.mergeMismatch("\(url.path) cannot be read: \(error)")
            }
        }
        return found
    }

    /// Reads `study.json` of a results folder.
    public static func record(in folder: URL) throws -> Record {
        let url = folder.appendingPathComponent("study.json")
        guard let data = try? Data(contentsOf: url) else {
            throw StudyError.mergeMismatch("\(url.path) is missing: not a study's results folder")
        }
        do { return try JSONDecoder().decode(Record.self, from: data) } catch {
            throw StudyError.mergeMismatch("\(url.path) cannot be read: \(error)")
        }
    }

    /// Reads the config results of a folder that belong to its plan, in plan order; missing ones are skipped.
    public static func results(in folder: URL, record: Record) throws -> [ConfigResult] {
        try record.configs.filter { $0.work == .probing }.compactMap { planned in
            let url = folder.appendingPathComponent("configs/\(planned.identifier).json")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            do { return try JSONDecoder().decode(ConfigResult.self, from: Data(contentsOf: url)) } catch {
                throw StudyError.mergeMismatch("\(url.path) cannot be read: \(error)")
            }
        }
    }

    /// What the study covers, one paragraph (the report's first).
    static func summaryLine(study: StudyDescription, model: String, configCount: Int) -> String {
        var text = ""
        if let activations = study.activations {
            text += "Activations \(activations.arrays.map { "`\($0)`" }.joined(separator: ", ")) (layers "
                + activations.resolvedLayers.map(String.init).joined(separator: ", ") + "), labelled by "
                + activations.labels.map { "`\($0)`" }.joined(separator: ", ") + (activations.attribute.map { " (\($0))" } ?? "")
        } else {
            text += "Model `\(study.model ?? "")` (\(model)); languages \(study.languages.joined(separator: ", ")); "
            text += "attributes \(study.attributes.joined(separator: ", ")); layers \(study.layers.map(String.init).joined(separator: ", "))"
        }
        text += study.allLayersConcatenated ? " and all concatenated" : ""
        text += ". Rankings \(study.rankings.map(\.rawValue).joined(separator: ", ")); classifiers \(study.classifiers.map(\.rawValue).joined(separator: ", "))"
        text += "; k = \(study.neuronCounts.first ?? 0)…\(study.neuronCounts.last ?? 0) (\(study.neuronCounts.count) values)"
        text += study.control.map { "; control task \($0.rawValue)" } ?? "; no control task"
        text += ". \(configCount) configs, made by neuron-workbench \(BuildInfo.version).\n\n"
        return text
    }

    /// Writes the report of a whole plan: the grid tables and figures, and `report.md`.
    @discardableResult
    static func writeReport(plan: StudyPlan, results: [ConfigResult], interventions: [InterventionResult], masks: [MaskConfigResult] = [],
                            to folder: URL) throws -> GridReport {
        try writeReport(study: plan.study, model: plan.modelFolder.path, configs: plan.configs, notes: plan.notes, results: results,
                        interventions: interventions, masks: masks, to: folder)
    }

    /// Reads the mask configs' results of a folder that belong to its plan.
    public static func masks(in folder: URL, record: Record) throws -> [String: MaskConfigResult] {
        var found: [String: MaskConfigResult] = [:]
        for planned in record.configs where planned.work.mask != nil {
            let url = folder.appendingPathComponent("configs/\(planned.identifier).json")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            do { found[planned.identifier] = try JSONDecoder().decode(MaskConfigResult.self, from: Data(contentsOf: url)) } catch {
                throw StudyError.mergeMismatch("\(url.path) cannot be read: \(error)")
            }
        }
        return found
    }

    static func writeReport(study: StudyDescription, model: String, configs: [PlannedConfig], notes: [String],
                            results: [ConfigResult], interventions: [InterventionResult], masks: [MaskConfigResult] = [],
                            to folder: URL) throws -> GridReport {
        let kinds = study.reports.isEmpty ? Set(ReportKind.allCases) : Set(study.reports)
        let report = GridReport(results: results, kinds: kinds, seed: study.seed)
        if study.probes { try report.write(to: folder) }
        var text = "# Study \(study.name)\n\n"
        guard study.probes else {
            text += "Model `\(study.model ?? "")` (\(model)). \(configs.count) configs, made by neuron-workbench \(BuildInfo.version).\n\n"
            for note in notes { text += "- \(note)\n" }
            text += try MaskReport.section(masks, folder: folder)
            try Data(text.utf8).write(to: folder.appendingPathComponent("report.md"), options: .atomic)
            return report
        }
        text += summaryLine(study: study, model: model, configCount: configs.count)
        for note in notes { text += "- \(note)\n" }
        text += "\n" + report.summary
        if !interventions.isEmpty && kinds.contains(.interventions) {
            let interventionReport = InterventionReport(results: interventions)
            try interventionReport.write(to: folder.appendingPathComponent("interventions", isDirectory: true))
            text += "\n## Interventions (Antverg & Belinkov §4): the first \(interventions.map(\.sentences).max() ?? 0) test sentences with relevant words per config\n\n"
            text += "```\n" + interventionReport.summary + "\n```\n"
            text += "\nCurves (Fig. 4 style): interventions/figures/*.svg; tables: interventions/table.csv, interventions/curves.csv.\n"
        }
        if !masks.isEmpty { text += "\n" + (try MaskReport.section(masks, folder: folder)) }
        try Data(text.utf8).write(to: folder.appendingPathComponent("report.md"), options: .atomic)
        return report
    }

    /// Joins the folders of a study's shards into one folder with the whole report.
    ///
    /// - Parameters:
    ///   - force: write into an output that holds something else (``ResultsFolder``).
    /// - Throws: ``StudyError/mergeMismatch(_:)`` when the folders come from different studies, do
    ///   not cover every config of the plan, or the output is one of them;
    ///   ``StudyError/foreignOutput(path:holds:)`` when the output is another's folder.
    @discardableResult
    public static func merge(_ folders: [URL], into output: URL, force: Bool = false,
                             log: (String) -> Void = { _ in }) throws -> GridReport {
        guard let first = folders.first else { throw StudyError.mergeMismatch("no folders to merge") }
        if let input = folders.first(where: { ResultsFolder.same($0, output) }) {
            throw StudyError.mergeMismatch("the output \(output.path) is one of the folders being merged (\(input.path)): "
                                           + "merging into it would overwrite that shard — choose another --out")
        }
        let records = try folders.map { try record(in: $0) }
        for (folder, record) in zip(folders, records) where record.digest != records[0].digest {
            throw StudyError.mergeMismatch("\(folder.path) holds study '\(record.study.name)' (\(record.digest)), not '\(records[0].study.name)' (\(records[0].digest)) of \(first.path)")
        }
        var found: [String: ConfigResult] = [:]
        for (folder, record) in zip(folders, records) {
            for result in try results(in: folder, record: record) { found[result.config.fileStem] = result }
        }
        let probing = records[0].configs.filter { $0.work == .probing }
        let missing = probing.filter { found[$0.identifier] == nil }.map(\.name)
        guard missing.isEmpty else {
            throw StudyError.mergeMismatch("\(missing.count) of \(probing.count) configs have no result in these folders: "
                                           + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : "")
                                           + " — run the missing shards first")
        }
        try ResultsFolder.claim(output, for: ResultsFolder.Owner(study: records[0].study.name, identity: records[0].digest),
                                force: force, log: log)
        try FileManager.default.createDirectory(at: output.appendingPathComponent("configs"), withIntermediateDirectories: true)
        var merged = records[0]
        merged.shard = Shard.whole.description
        try encoder().encode(merged).write(to: output.appendingPathComponent("study.json"), options: .atomic)
        let results = probing.map { found[$0.identifier]! }
        for (planned, result) in zip(probing, results) { try write(result, as: planned.identifier, in: output) }
        var sweeps: [String: [InterventionResult]] = [:]
        for (folder, record) in zip(folders, records) { sweeps.merge(try interventions(in: folder, record: record)) { a, _ in a } }
        let planned = records[0].configs.filter { $0.work.intervention != nil }
        let missingSweeps = planned.filter { sweeps[$0.identifier] == nil }.map(\.name)
        guard missingSweeps.isEmpty else {
            throw StudyError.mergeMismatch("\(missingSweeps.count) intervention sweeps have no result in these folders: "
                                           + missingSweeps.prefix(5).joined(separator: ", ") + " — run the missing shards first")
        }
        for sweep in planned { try write(sweeps[sweep.identifier]!, as: sweep.identifier, in: output) }
        var masks: [String: MaskConfigResult] = [:]
        for (folder, record) in zip(folders, records) { masks.merge(try self.masks(in: folder, record: record)) { a, _ in a } }
        let maskConfigs = records[0].configs.filter { $0.work.mask != nil }
        let missingMasks = maskConfigs.filter { masks[$0.identifier] == nil }.map(\.name)
        guard missingMasks.isEmpty else {
            throw StudyError.mergeMismatch("\(missingMasks.count) mask configs have no result in these folders: "
                                           + missingMasks.prefix(5).joined(separator: ", ") + " — run the missing shards first")
        }
        for config in maskConfigs { try write(masks[config.identifier]!, as: config.identifier, in: output) }
        return try writeReport(study: merged.study, model: merged.model, configs: merged.configs, notes: merged.notes,
                               results: results, interventions: planned.flatMap { sweeps[$0.identifier]! },
                               masks: maskConfigs.map { masks[$0.identifier]! }, to: output)
    }
}
