import DSL
import Foundation
import Testing
@testable import Support
@testable import Studies

/// Shards balanced by the planner's estimates, the flags a study script takes, and the Slurm job
/// files `--slurm` writes.
@Suite("shards, study flags and Slurm job files")
struct ShardingTests {
    @Test("longest configs first, each to the least loaded shard: sums within the largest cost, ties in plan order")
    func balancedShards() {
        // One long config and ten short ones: round-robin would give 15 against 5.
        let costs = [10.0] + Array(repeating: 1.0, count: 10)
        let shards = StudyPlan.balancedShards(costs: costs, count: 2)
        #expect(shards == [1] + Array(repeating: 2, count: 10))
        // Equal costs deal out in plan order.
        #expect(StudyPlan.balancedShards(costs: [3, 3, 3, 3, 3], count: 2) == [1, 2, 1, 2, 1])
        #expect(StudyPlan.balancedShards(costs: [1, 2, 3], count: 1) == [1, 1, 1])
        #expect(StudyPlan.balancedShards(costs: [], count: 4) == [])
        // Random costs: every config in exactly one shard, loads within the largest cost.
        var generator = SplitMix64(seed: 7)
        for count in [2, 3, 8] {
            let costs = (0..<57).map { _ in Double(generator.next() % 10_000) / 100 }
            let shards = StudyPlan.balancedShards(costs: costs, count: count)
            #expect(shards.allSatisfy { (1...count).contains($0) })
            let loads = (1...count).map { shard in costs.indices.filter { shards[$0] == shard }.map { costs[$0] }.reduce(0, +) }
            #expect(loads.max()! - loads.min()! <= costs.max()! + 0.01, "\(loads)")
            #expect(StudyPlan.balancedShards(costs: costs, count: count) == shards)
        }
    }

    @Test("a config's cost is its estimate on one core: the same whatever machine plans it")
    func costIsMachineIndependent() throws {
        let study = Study("cost") {
            Model(.local(StudyDSLTests.tiny)); Languages(.spanish); Attributes(.number); Layers(1, 2)
            Rank(.probeless, .random); Probe(.gaussian, neurons: [1, 4, 16])
        }
        let plan = try study.plan(shared: StudyDSLTests.shared)
        for planned in plan.configs {
            #expect(planned.cost >= planned.estimatedSeconds)
            #expect(abs(planned.cost - StudyPlanner.probingEstimate(study.settings, examples: planned.examples.train, width: 16, cores: 1)) < 1e-9)
        }
        // Records written before costs existed still read (cost = estimate).
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan.configs[0])) as! [String: Any]
        json["cost"] = nil
        let old = try JSONDecoder().decode(PlannedConfig.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(old.cost == plan.configs[0].estimatedSeconds)
    }

    @Test("the cores a process may use: NEURON_CORES, else its affinity mask")
    func processorCores() {
        #expect(ProcessorCores.count(environment: ["NEURON_CORES": "3"]) == 3)
        #expect(ProcessorCores.count(environment: ["NEURON_CORES": "0"]) == ProcessorCores.count(environment: [:]))
        #expect(ProcessorCores.count(environment: ["NEURON_CORES": "many"]) == ProcessorCores.count(environment: [:]))
        #expect(ProcessorCores.affinityCount(status: "Name:\tx\nCpus_allowed:\tff\nCpus_allowed_list:\t0-7\n") == 8)
        #expect(ProcessorCores.affinityCount(status: "Cpus_allowed:\t00000000,00000005\n") == 2)
        #expect(ProcessorCores.affinityCount(status: "Cpus_allowed:\tzz\n") == nil)
        #expect(ProcessorCores.affinityCount(status: "Name:\tx\n") == nil)
        #expect(ProcessorCores.available >= 1 && ProcessorCores.available <= ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test("study flags: --flag=value, Slurm settings, and the mistakes each named")
    func studyFlags() throws {
        let options = try StudyRunner.Options.fromCommandLine(["--out=results/x", "--slurm", "8", "--partition", "gpu",
                                                              "--time=2:00:00", "--cpus-per-task", "16", "--mem", "32G",
                                                              "--sbatch", "--qos=long", "--slurm-dir", "/tmp/job"])
        #expect(options.output?.path.hasSuffix("results/x") == true)
        let slurm = try #require(options.slurm)
        #expect(slurm.shards == 8 && slurm.partition == "gpu" && slurm.time == "2:00:00" && slurm.cpusPerTask == 16)
        #expect(slurm.memory == "32G" && slurm.extra == ["--qos=long"] && slurm.folder?.path == "/tmp/job")
        // Settings before --slurm count too.
        #expect(try StudyRunner.Options.fromCommandLine(["--partition", "p", "--slurm", "2"]).slurm?.partition == "p")
        func message(_ arguments: [String]) -> String {
            do { _ = try StudyRunner.Options.fromCommandLine(arguments); return "no error" } catch { return "\(error)" }
        }
        #expect(message(["--out", "--dry-run"]) == "option --out needs a value, not the option --dry-run (give --out=VALUE for a value that starts with --) (--out DIR)")
        #expect(message(["--shard"]) == "option --shard needs a value (--shard i/n)")
        #expect(message(["--partition", "p"]) == "--partition: only with --slurm N (it is a Slurm setting)")
        #expect(message(["--slurm", "0"]).contains("not a number of shards ≥ 1"))
        #expect(message(["--slurm", "2", "--shard", "1/2"]).contains("leave out --shard 1/2"))
        #expect(message(["--slurm", "2", "--dry-run"]).contains("leave out --dry-run"))
        #expect(message(["--cpus-per-task", "x", "--slurm", "2"]).contains("not a number of cores"))
        #expect(message(["--nope"]).hasPrefix("unknown option --nope (a study script takes --dry-run, --shard i/n, --out DIR"))
        #expect(message(["--dryrun"]).hasPrefix("unknown option --dryrun — did you mean '--dry-run'? (a study script takes"))
        // The same mistakes on a workbench command read the same.
        let command = try WorkbenchProcess.run(["extract", "--cache", "--quiet"])
        #expect(command.errors.contains("option --cache needs a value, not the option --quiet (give --cache=VALUE for a value that starts with --)"), "\(command.errors)")
        #expect(message(["--cache", "--dry-run"]).hasPrefix("option --cache needs a value, not the option --dry-run (give --cache=VALUE for a value that starts with --)"))
        let misspelt = try WorkbenchProcess.run(["extract", "--quite"])
        #expect(misspelt.errors.contains("unknown option --quite — did you mean '--quiet'?"), "\(misspelt.errors)")
    }

    @Test("the job files: absolute paths, the shard from the array index, quoting, the merge after the array")
    func jobFiles() throws {
        let root = try ConcurrentRunTests.scratch("slurm-files")
        defer { try? FileManager.default.removeItem(at: root) }
        let study = Study("it's a study") {
            Model(.local(StudyDSLTests.tiny)); Languages(.spanish); Attributes(.number, .gender); Layers(1, 2)
            Rank(.probeless); Probe(.gaussian, neurons: [1, 4])
        }
        let plan = try study.plan(shared: StudyDSLTests.shared)
        var settings = SlurmJobArray.Settings(shards: 3)
        settings.folder = root.appendingPathComponent("job dir")
        settings.partition = "short"
        settings.extra = ["--qos=long"]
        let program = SlurmJobArray.Program(workbench: URL(fileURLWithPath: "/opt/wb/workbench"), script: root.appendingPathComponent("study.swift"))
        let job = SlurmJobArray(settings: settings, program: program, plan: plan, output: root.appendingPathComponent("out"),
                                shared: StudyDSLTests.shared, cacheRoot: root.appendingPathComponent("cache"), force: false)
        let array = job.arrayScript
        #expect(array.contains("#SBATCH --array=1-3\n#SBATCH --cpus-per-task=4\n#SBATCH --time=00:30:00\n"), "\(array)")
        #expect(array.contains("#SBATCH --partition=short\n") && array.contains("#SBATCH --qos=long\n"))
        #expect(array.contains("exec /opt/wb/workbench run \(root.path)/study.swift --shard \"${SLURM_ARRAY_TASK_ID}/3\" "
                               + "--out \"\(root.path)/job dir/shards/${SLURM_ARRAY_TASK_ID}\" --shared \(StudyDSLTests.shared.root.path) "
                               + "--cache \(root.path)/cache\n"), "\(array)")
        #expect(array.contains("export NEURON_CORES=\"${SLURM_CPUS_PER_TASK:-4}\""))
        let merge = job.mergeScript
        #expect(merge.contains("merge '\(root.path)/job dir/shards/1' '\(root.path)/job dir/shards/2' '\(root.path)/job dir/shards/3' --out \(root.path)/out\n"), "\(merge)")
        #expect(job.submitScript.contains("--dependency=afterok:\"$array\""))
        #expect(job.jobName == "wb-it_s_a_study")
        #expect(SlurmJobArray.quoted("it's") == "'it'\\''s'")
        // A long study gets a longer limit: three times the largest shard on the task's cores.
        var long = job
        long.settings.cpusPerTask = 1
        long.plan.configs = long.plan.configs.map { var config = $0; config.cost = 7200; return config }
        #expect(long.timeLimit == "12:00:00", "two configs of 2 h in the largest shard, ×3")
        long.plan.configs = long.plan.configs.map { var config = $0; config.cost = 36000; return config }
        #expect(long.timeLimit == "2-12:00:00")

        let submit = try job.write()
        #expect(FileManager.default.isExecutableFile(atPath: submit.path))
        try job.write()   // ours: rewritten without a word
        try Data("#!/bin/bash\necho mine\n".utf8).write(to: job.folder.appendingPathComponent("merge.sbatch"))
        #expect(throws: StudyError.self) { try job.write() }
        #expect(try String(contentsOf: job.folder.appendingPathComponent("merge.sbatch"), encoding: .utf8) == "#!/bin/bash\necho mine\n")
    }
}
