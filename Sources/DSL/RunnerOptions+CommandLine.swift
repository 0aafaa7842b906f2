import Core
import Foundation

extension StudyRunner.Options {
    /// Options from the running program's flags: `--dry-run`, `--shard i/n`, `--out DIR`,
    /// `--force`, `--shared DIR`, `--cache DIR`. Unknown flags are an error naming them.
    public static func fromCommandLine(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) throws -> Self {
        var options = Self()
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw StudyError.invalidValue(component: flag, problem: "needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--dry-run": options.dryRun = true
            case "--shard": options.shard = try Shard(parsing: try value(argument))
            case "--out": options.output = try ResultsFolder.url(try value(argument))
            case "--force": options.force = true
            case "--shared": options.shared = SharedData(root: URL(fileURLWithPath: try value(argument), isDirectory: true))
            case "--cache":
                options.activationCache = ActivationCache(root: URL(fileURLWithPath: try value(argument), isDirectory: true)
                    .appendingPathComponent("activations", isDirectory: true))
            default:
                throw StudyError.invalidValue(component: argument, problem: "unknown flag (known: --dry-run, --shard i/n, --out DIR, --force, --shared DIR, --cache DIR)")
            }
            index += 1
        }
        return options
    }
}
