import Core
import Foundation

/// `workbench merge`: joins the results folders of a study's shards.
enum MergeCommand: Command {
    static let name = "merge"
    static let summary = "join the results folders of a study's shards (--shard i/n) into one report"
    static let usage = """
        usage: workbench merge DIR DIR … --out DIR [--force]

        Reads each shard's study.json and configs/, checks that they come from the same study and
        together cover every config of its plan, and writes the whole study's folder (report.md, CSV
        tables, figures/) to --out — the same files one unsharded run writes. --out may not be one
        of the shards, nor a folder that holds anything but this study's results (unless --force).
        """

    static func run(_ arguments: inout ArgumentList) throws {
        guard let outText = try arguments.option("out") else { throw UsageError("workbench merge needs --out DIR") }
        let out = try ResultsFolder.url(outText)
        let force = arguments.flag("force")
        let folders = try arguments.positionals().map { URL(fileURLWithPath: $0, isDirectory: true) }
        guard !folders.isEmpty else { throw UsageError("workbench merge needs the shards' results folders") }
        let report = try StudyResults.merge(folders, into: out, force: force, log: { print($0) })
        print("merged \(folders.count) folders: \(report.results.count) configs → \(out.path)/report.md")
    }
}
