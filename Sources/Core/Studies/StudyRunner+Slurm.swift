import Foundation

extension StudyRunner {
    /// Plans the study and writes it as a Slurm job array (``SlurmJobArray``) instead of running it:
    /// each shard's estimate, the files written and how to submit them go to `log`.
    func writeSlurmJob(_ settings: SlurmJobArray.Settings, plan: StudyPlan, output: URL, owner: ResultsFolder.Owner,
                       log: (String) -> Void) throws -> URL {
        guard let program = SlurmJobArray.Program.current() else {
            throw StudyError.invalidValue(component: "--slurm", problem: "works for scripts run by `workbench run study.swift --slurm N` "
                                          + "(the job scripts call that workbench and that script)")
        }
        guard settings.shards >= 1, settings.shards <= max(1, plan.configs.count) else {
            throw StudyError.invalidValue(component: "--slurm", problem: "\(settings.shards) shards for \(plan.configs.count) configs "
                                          + "— give 1…\(max(1, plan.configs.count))")
        }
        // The merge would fail after every shard had run: say so now.
        if !options.force, let problem = ResultsFolder.problem(writing: output, for: owner) { throw problem }
        let job = SlurmJobArray(settings: settings, program: program, plan: plan, output: output, shared: options.shared,
                                cacheRoot: options.activationCache.cacheRoot, force: options.force)
        let submit = try job.write()
        log("study \(plan.study.name): \(plan.configs.count) configs in \(settings.shards) Slurm array tasks "
            + "(\(settings.cpusPerTask) cores and --time=\(job.timeLimit) each)")
        log(plan.shardTable(count: settings.shards, cached: cachedIdentifiers(plan)))
        log("wrote \(job.folder.appendingPathComponent("job.sbatch").path), merge.sbatch and submit (nothing submitted yet)")
        log("submit with: \(submit.path)   (add --wait to return when the merged report is written to \(output.path))")
        return submit
    }
}
