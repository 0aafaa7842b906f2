import Core
import Foundation

extension StudyRunner.Options {
    /// The flags a study script takes, with what each does (the usage text and errors read it).
    public static let flags: [(name: String, value: String?, help: String)] = [
        ("--dry-run", nil, "show the plan and an estimate; run nothing"),
        ("--shard", "i/n", "run shard i of n (shards balanced by the planner's estimates); join them with workbench merge"),
        ("--out", "DIR", "results folder (default results/<study name>)"),
        ("--force", nil, "write into a results folder that holds other files"),
        ("--shared", "DIR", "the shared data folder (default ../shared)"),
        ("--cache", "DIR", "cache root (activations, results, compiled scripts)"),
        ("--slurm", "N", "write the study as a Slurm job array of N shards and a dependent merge job; run nothing"),
        ("--partition", "P", "with --slurm: the partition"),
        ("--account", "A", "with --slurm: the account"),
        ("--time", "T", "with --slurm: each shard's time limit (default: 3 × the largest shard's estimate, at least 30 min)"),
        ("--cpus-per-task", "C", "with --slurm: cores per shard (default \(SlurmJobArray.Settings(shards: 1).cpusPerTask))"),
        ("--mem", "M", "with --slurm: memory per shard, e.g. 16G (default: the partition's)"),
        ("--slurm-dir", "DIR", "with --slurm: where the job files go (default slurm/<study name>)"),
        ("--sbatch", "OPTION", "with --slurm: one more #SBATCH line for both jobs, e.g. --sbatch --qos=long (repeatable)"),
    ]

    /// Options from the running program's flags (``flags``); `--flag=value` is read as
    /// `--flag value`. Unknown flags, missing values and a value that is another flag are
    /// `OptionError`s worded as the `workbench` commands word them.
    public static func fromCommandLine(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) throws -> Self {
        var options = Self()
        var slurmShards: Int? = nil
        var slurmOnly: [String] = []
        var slurmSettings = SlurmJobArray.Settings(shards: 1)
        var index = 0
        var words = arguments
        while index < words.count {
            var argument = words[index]
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                words.insert(String(argument[argument.index(after: equals)...]), at: index + 1)
                argument = String(argument[..<equals])
            }
            guard let flag = flags.first(where: { $0.name == argument }) else {
                throw OptionError(OptionError.unknown(argument, among: flags.map(\.name)).description + " (a study script takes "
                                  + flags.map { [$0.name, $0.value].compactMap { $0 }.joined(separator: " ") }.joined(separator: ", ") + ")")
            }
            var value = ""
            if let expected = flag.value {
                index += 1
                // `--sbatch --qos=long` takes a flag-like value on purpose; no other flag does.
                guard index < words.count, flag.name == "--sbatch" || !words[index].hasPrefix("--") else {
                    throw OptionError(OptionError.missingValue(flag.name, next: index < words.count ? words[index] : nil).description
                                      + " (\(flag.name) \(expected))")
                }
                value = words[index]
            }
            switch flag.name {
            case "--dry-run": options.dryRun = true
            case "--shard": options.shard = try Shard(parsing: value)
            case "--out": options.output = try ResultsFolder.url(value)
            case "--force": options.force = true
            case "--shared": options.shared = SharedData(root: URL(fileURLWithPath: value, isDirectory: true))
            case "--cache":
                options.activationCache = ActivationCache(cacheRoot: URL(fileURLWithPath: value, isDirectory: true))
            case "--slurm":
                guard let shards = Int(value), shards >= 1 else {
                    throw StudyError.invalidValue(component: "--slurm", problem: "'\(value)' is not a number of shards ≥ 1, e.g. --slurm 8")
                }
                slurmShards = shards
            case "--cpus-per-task":
                guard let cores = Int(value), cores >= 1 else {
                    throw StudyError.invalidValue(component: "--cpus-per-task", problem: "'\(value)' is not a number of cores ≥ 1")
                }
                slurmSettings.cpusPerTask = cores
                slurmOnly.append(flag.name)
            default:
                guard !value.contains("\n") else { throw StudyError.invalidValue(component: flag.name, problem: "a value on one line") }
                switch flag.name {
                case "--partition": slurmSettings.partition = value
                case "--account": slurmSettings.account = value
                case "--time": slurmSettings.time = value
                case "--mem": slurmSettings.memory = value
                case "--slurm-dir": slurmSettings.folder = URL(fileURLWithPath: value, isDirectory: true)
                default: slurmSettings.extra.append(value)
                }
                slurmOnly.append(flag.name)
            }
            index += 1
        }
        if let shards = slurmShards {
            var settings = slurmSettings
            settings.shards = shards
            guard options.shard == .whole else {
                throw StudyError.invalidValue(component: "--slurm", problem: "writes every shard's job: leave out --shard \(options.shard)")
            }
            guard !options.dryRun else {
                throw StudyError.invalidValue(component: "--slurm", problem: "runs nothing already: leave out --dry-run")
            }
            options.slurm = settings
        } else if let first = slurmOnly.first {
            throw StudyError.invalidValue(component: first, problem: "only with --slurm N (it is a Slurm setting)")
        }
        return options
    }
}
