import Foundation
import Corpora

/// A study as a Slurm job array: `job.sbatch` runs shard `$SLURM_ARRAY_TASK_ID` of n (shards
/// balanced by the planner's estimates), `merge.sbatch` joins the shards once every one has
/// succeeded, and `submit` submits both, the merge with `--dependency=afterok` on the array.
///
/// Written by `workbench run study.swift --slurm N`; nothing is submitted. The folder:
/// ```
/// job.sbatch  merge.sbatch  submit  shards/<i>/  logs/shard-<i>.out  logs/merge.out
/// ```
public struct SlurmJobArray: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Array tasks, one shard each.
        public var shards: Int
        /// The folder the job files go to (default `slurm/<study name>` in the working directory).
        public var folder: URL?
        public var partition: String?
        public var account: String?
        /// `--time` of each array task, as Slurm reads it (`90`, `1:30:00`, `2-00:00:00`); default:
        /// three times the largest shard's estimate, at least 30 minutes.
        public var time: String?
        public var cpusPerTask = 4
        /// `--mem` of each array task (`16G`); default: the partition's.
        public var memory: String?
        /// More `#SBATCH` lines for both jobs, e.g. `--qos=long` (each given without `#SBATCH`).
        public var extra: [String] = []

        public init(shards: Int) { self.shards = shards }
    }

    /// How a shard is run: the `workbench` executable and the study script, both absolute.
    public struct Program: Sendable, Equatable {
        public var workbench: URL
        public var script: URL

        public init(workbench: URL, script: URL) {
            self.workbench = workbench
            self.script = script
        }

        /// What `workbench run` tells the script it runs (environment variables it sets).
        public static let workbenchVariable = "NEURON_WORKBENCH_EXECUTABLE"
        public static let scriptVariable = "NEURON_STUDY_SCRIPT"

        /// The program that runs this process, when `workbench run` started it.
        public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Program? {
            guard let workbench = environment[workbenchVariable], let script = environment[scriptVariable],
                  !workbench.isEmpty, !script.isEmpty else { return nil }
            return Program(workbench: URL(fileURLWithPath: workbench), script: URL(fileURLWithPath: script))
        }
    }

    public var settings: Settings
    public var program: Program
    public var plan: StudyPlan
    /// The merged results folder.
    public var output: URL
    public var shared: SharedData
    /// The cache root the shards use (activations, results, compiled scripts).
    public var cacheRoot: URL
    /// Shards write into results folders that hold other files, and the merge into `output`.
    public var force: Bool

    /// The marker line that says a file is ours to rewrite.
    static let marker = "# Written by workbench run --slurm"

    public init(settings: Settings, program: Program, plan: StudyPlan, output: URL, shared: SharedData, cacheRoot: URL, force: Bool) {
        // The job runs elsewhere and later: every path in it is absolute.
        var settings = settings
        settings.folder = settings.folder.map(Self.absolute)
        self.settings = settings
        self.program = Program(workbench: Self.absolute(program.workbench), script: Self.absolute(program.script))
        self.plan = plan
        self.output = Self.absolute(output)
        self.shared = SharedData(root: Self.absolute(shared.root))
        self.cacheRoot = Self.absolute(cacheRoot)
        self.force = force
    }

    public var folder: URL {
        settings.folder ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            .appendingPathComponent("slurm/\(plan.study.name)", isDirectory: true)
    }

    public func shardFolder(_ index: Int) -> URL { folder.appendingPathComponent("shards/\(index)", isDirectory: true) }

    /// The largest shard's estimate on `cpusPerTask` cores, in seconds.
    public var largestShardSeconds: Double {
        let shards = plan.shardIndices(count: settings.shards)
        let loads = (1...settings.shards).map { shard in
            plan.configs.indices.filter { shards[$0] == shard }.map { plan.configs[$0].cost }.reduce(0, +)
        }
        return (loads.max() ?? 0) / Double(max(1, settings.cpusPerTask))
    }

    /// `--time` for the array's tasks.
    public var timeLimit: String {
        if let time = settings.time { return time }
        let minutes = Int((max(1800, 3 * largestShardSeconds) / 600).rounded(.up)) * 10
        let (days, hours, rest) = (minutes / 1440, minutes % 1440 / 60, minutes % 60)
        return days > 0 ? String(format: "%d-%02d:%02d:00", days, hours, rest) : String(format: "%02d:%02d:00", hours, rest)
    }

    /// The text of `job.sbatch`.
    public var arrayScript: String {
        let count = settings.shards
        var lines = ["#!/bin/bash", Self.marker + " for study \(plan.study.name) (\(plan.configs.count) configs in \(count) shards)",
                     "#SBATCH --job-name=\(jobName)",
                     "#SBATCH --array=1-\(count)",
                     "#SBATCH --cpus-per-task=\(settings.cpusPerTask)",
                     "#SBATCH --time=\(timeLimit)",
                     "#SBATCH --output=\(folder.appendingPathComponent("logs").path)/shard-%a.out"]
        lines += commonDirectives
        if let memory = settings.memory { lines.append("#SBATCH --mem=\(memory)") }
        let run = [program.workbench.path, "run", program.script.path,
                   "--shard", "${SLURM_ARRAY_TASK_ID}/\(count)",
                   "--out", folder.appendingPathComponent("shards").path + "/${SLURM_ARRAY_TASK_ID}"] + passedOptions
        lines += ["set -euo pipefail",
                  "# The workbench uses the cores Slurm gave this task, whatever the node has.",
                  "export NEURON_CORES=\"${SLURM_CPUS_PER_TASK:-\(settings.cpusPerTask)}\"",
                  "exec " + run.map(Self.quotedKeepingVariables).joined(separator: " ")]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The text of `merge.sbatch`.
    public var mergeScript: String {
        var lines = ["#!/bin/bash", Self.marker + " for study \(plan.study.name): joins the \(settings.shards) shards into \(output.path)",
                     "#SBATCH --job-name=\(jobName)-merge",
                     "#SBATCH --cpus-per-task=1",
                     "#SBATCH --time=00:30:00",
                     "#SBATCH --output=\(folder.appendingPathComponent("logs").path)/merge.out",
                     // A shard that failed makes the dependency impossible: cancel the merge instead of leaving it pending.
                     "#SBATCH --kill-on-invalid-dep=yes"]
        lines += commonDirectives
        let merge = [program.workbench.path, "merge"] + (1...settings.shards).map { shardFolder($0).path }
            + ["--out", output.path] + (force ? ["--force"] : [])
        lines += ["set -euo pipefail", "exec " + merge.map(Self.quoted).joined(separator: " ")]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The text of `submit`.
    public var submitScript: String {
        """
        #!/usr/bin/env bash
        \(Self.marker) for study \(plan.study.name)
        # Submits the array (\(settings.shards) shards), then the merge, which starts once every shard has
        # succeeded (--dependency=afterok) and is cancelled if one fails. Options go to sbatch:
        #   \(folder.appendingPathComponent("submit").path) --wait    returns when the merge has ended (its exit status)
        set -euo pipefail
        cd \(Self.quoted(folder.path))
        mkdir -p logs shards
        wait_flag=()
        pass=()
        for argument in "$@"; do
          if [ "$argument" = "--wait" ]; then wait_flag=(--wait); else pass+=("$argument"); fi
        done
        array=$(sbatch --parsable ${pass[@]+"${pass[@]}"} job.sbatch)
        array=${array%%;*}
        echo "submitted array job $array: \(settings.shards) shards of study \(plan.study.name) (logs in $PWD/logs)"
        if [ ${#wait_flag[@]} -eq 0 ]; then
          merge=$(sbatch --parsable --dependency=afterok:"$array" ${pass[@]+"${pass[@]}"} merge.sbatch)
          echo "submitted merge job ${merge%%;*}: runs after every shard succeeds; results → \(output.path)"
        else
          echo "waiting for the merge job (runs after every shard succeeds; results → \(output.path))"
          sbatch --parsable --wait --dependency=afterok:"$array" ${pass[@]+"${pass[@]}"} merge.sbatch
        fi

        """
    }

    var jobName: String {
        "wb-" + String(plan.study.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    var commonDirectives: [String] {
        var lines = ["#SBATCH --chdir=\(FileManager.default.currentDirectoryPath)"]
        if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = settings.account { lines.append("#SBATCH --account=\(account)") }
        lines += settings.extra.map { "#SBATCH \($0)" }
        return lines
    }

    /// What every shard passes on: the shared data and cache this run uses, and --force.
    var passedOptions: [String] {
        ["--shared", shared.root.path, "--cache", cacheRoot.path] + (force ? ["--force"] : [])
    }

    /// Writes the three files (refusing to replace files of the same names that are not ours,
    /// unless `force`) and returns the `submit` script's URL.
    @discardableResult
    public func write() throws -> URL {
        let files: [(String, String)] = [("job.sbatch", arrayScript), ("merge.sbatch", mergeScript), ("submit", submitScript)]
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        for (name, _) in files {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path), !force else { continue }
            let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            guard existing.contains(Self.marker) else {
                throw StudyError.invalidValue(component: "--slurm", problem: "\(url.path) exists and was not written by workbench run --slurm "
                                              + "— choose another --slurm-dir, or --force to replace it")
            }
        }
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: name == "submit" ? 0o755 : 0o644], ofItemAtPath: url.path)
        }
        return folder.appendingPathComponent("submit")
    }

    static func absolute(_ url: URL) -> URL { url.absoluteURL.standardizedFileURL }

    /// A word for bash, in single quotes unless it is plain.
    static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Like ``quoted(_:)``, but `${SLURM_ARRAY_TASK_ID}` stays a variable (double quotes).
    static func quotedKeepingVariables(_ word: String) -> String {
        guard word.contains("${SLURM_ARRAY_TASK_ID}") else { return quoted(word) }
        let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "`", with: "\\`").replacingOccurrences(of: "$", with: "\\$")
            .replacingOccurrences(of: "\\${SLURM_ARRAY_TASK_ID}", with: "${SLURM_ARRAY_TASK_ID}")
        return "\"" + escaped + "\""
    }
}
