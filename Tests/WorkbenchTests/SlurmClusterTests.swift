import Foundation
import Testing

/// The README's Slurm recipe for real: a one-node cluster on this machine (munged, slurmctld,
/// slurmd, started by `scripts/slurm-local-cluster`), a study written by `workbench run --slurm`,
/// submitted with the script it wrote, its shards merged by the dependent job — and the result
/// equal to an unsharded run's.
@Suite("a study on a real Slurm cluster")
struct SlurmClusterTests {
    static let repository = WorkbenchProcess.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let clusterScript = repository.appendingPathComponent("scripts/slurm-local-cluster")

    /// Root and the Slurm and munge daemons and clients: what the cluster needs.
    static var clusterCanStart: Bool {
        getuid() == 0 && ["munged", "mungekey", "slurmctld", "slurmd", "sbatch", "sinfo"].allSatisfy(installed)
    }

    /// Whether a program is on the PATH or in the system's sbin folders (daemons live there).
    static func installed(_ program: String) -> Bool {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (path + ["/usr/sbin", "/sbin", "/usr/local/sbin"]).contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }

    @Test("workbench run --slurm 2 writes a job array that the cluster runs; the merged report equals an unsharded run's",
          .enabled(if: SlurmClusterTests.clusterCanStart,
                   "skipped: needs root and Debian's slurmctld, slurmd, slurm-client and munge (scripts/setup installs them as root)"),
          .timeLimit(.minutes(15)))
    func jobArrayOnALocalCluster() throws {
        guard FileManager.default.fileExists(atPath: ConcurrentRunTests.spanishTest.path) else {
            Issue.record("../shared/ud is missing beside the repository")
            return
        }
        let root = try ConcurrentRunTests.scratch("slurm")
        defer { try? FileManager.default.removeItem(at: root) }
        let cluster = root.appendingPathComponent("cluster")
        // The daemons would keep Foundation's exit-notification socket open: started detached.
        let started = try DetachedSpawn.run("/bin/bash", [Self.clusterScript.path, "start", cluster.path])
        let daemons = ["slurmd.pid", "slurmctld.pid", "munge/munged.pid"].compactMap { name -> pid_t? in
            (try? String(contentsOf: cluster.appendingPathComponent(name), encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        defer {
            let stopped = try? DetachedSpawn.run("/bin/bash", [Self.clusterScript.path, "stop", cluster.path])
            #expect(stopped?.status == 0, "\(stopped?.output ?? "stop did not run")")
            for pid in daemons { #expect(!Self.isRunning(pid), "daemon \(pid) still runs after stop") }
        }
        try #require(started.status == 0, "the cluster did not start: \(started.output)\n\(Self.logs(cluster))")
        #expect(daemons.count == 3, "\(started.output)")

        let script = try RunCommandTests.script("""
            let study = Study("slurm-array") {
                Model(.local("\(ConcurrentRunTests.tiny)"))
                Languages(.spanish)
                Attributes(.number, .gender)
                Layers(1, 2)
                Rank(.probeless, .random)
                Probe(.gaussian, neurons: [1, 4, 10, 16])
            }
            try study.run()
            """, in: root)
        let cache = root.appendingPathComponent("cache")
        let environment = ["NEURON_CACHE": cache.path, "SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path]
        let job = root.appendingPathComponent("job"), merged = root.appendingPathComponent("merged")
        let written = try WorkbenchProcess.run(["run", script.path, "--slurm", "2", "--cpus-per-task=1", "--slurm-dir", job.path,
                                                "--out", merged.path, "--shared", ProbeCommandTests.shared.path, "--cache", cache.path],
                                               environment: environment)
        try #require(written.status == 0, "\(written.output)\n\(written.errors)")
        #expect(written.output.contains("4 configs in 2 Slurm array tasks"), "\(written.output)")
        #expect(written.output.contains("1/2") && written.output.contains("2/2"), "each shard's estimate: \(written.output)")
        #expect(written.output.contains("submit with: \(job.path)/submit"), "\(written.output)")
        let array = try String(contentsOf: job.appendingPathComponent("job.sbatch"), encoding: .utf8)
        #expect(array.contains("#SBATCH --array=1-2") && array.contains("--shard \"${SLURM_ARRAY_TASK_ID}/2\""), "\(array)")
        #expect(try String(contentsOf: job.appendingPathComponent("merge.sbatch"), encoding: .utf8).contains("--kill-on-invalid-dep=yes"))
        #expect(!FileManager.default.fileExists(atPath: merged.path), "--slurm runs nothing")

        // What a user runs next: the array, then the merge after it (afterok); --wait returns when the merge ends.
        let submitted = try Self.shell(["timeout", "600", job.appendingPathComponent("submit").path, "--wait"], environment: environment)
        try #require(submitted.status == 0, "\(submitted.output)\n\(Self.logs(cluster))\n\(Self.jobLogs(job))")
        #expect(submitted.output.contains("submitted array job"), "\(submitted.output)")
        for shard in 1...2 {
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: job.appendingPathComponent("shards/\(shard)/study.json"))) as? [String: Any]
            #expect(record?["shard"] as? String == "\(shard)/2", "shard \(shard)'s record")
        }
        #expect(try String(contentsOf: job.appendingPathComponent("logs/merge.out"), encoding: .utf8).contains("merged 2 folders: 4 configs"))

        // The same study unsharded, on a cache of its own: computed again, not read back.
        let whole = try WorkbenchProcess.run(["run", script.path, "--out", root.appendingPathComponent("whole").path,
                                              "--shared", ProbeCommandTests.shared.path, "--cache", root.appendingPathComponent("cache2").path],
                                             environment: ["NEURON_CACHE": cache.path])
        try #require(whole.status == 0, "\(whole.errors)")
        for file in ["report.md", "curves.csv", "overlaps.csv", "wilcoxon.csv", "clusters.csv"] {
            let fromSlurm = try Data(contentsOf: merged.appendingPathComponent(file))
            let unsharded = try Data(contentsOf: root.appendingPathComponent("whole/\(file)"))
            #expect(fromSlurm == unsharded, "\(file) differs between the Slurm run and the unsharded one")
        }
        let configs = try FileManager.default.contentsOfDirectory(atPath: merged.appendingPathComponent("configs").path).sorted()
        #expect(configs.count == 4)
        #expect(configs == (try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("whole/configs").path).sorted()))
        for name in configs {
            let fromSlurm = try Self.resultWithoutRunDetails(merged.appendingPathComponent("configs/\(name)"))
            let unsharded = try Self.resultWithoutRunDetails(root.appendingPathComponent("whole/configs/\(name)"))
            #expect(fromSlurm == unsharded, "configs/\(name) differs beyond when, how long and in which cache it ran")
        }
    }

    /// Whether a process runs (a zombie, ended but not yet reaped by its parent, does not).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// A config's JSON without what differs between any two runs: when it ran, for how long, and
    /// the activation cache's path.
    static func resultWithoutRunDetails(_ url: URL) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var provenance = try #require(object["provenance"] as? [String: Any], "\(url.lastPathComponent) has no provenance")
        for key in ["created", "seconds", "activationCache"] { provenance[key] = nil }
        object["provenance"] = provenance
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func shell(_ command: [String], environment extra: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-submit-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    static func logs(_ cluster: URL) -> String {
        ["slurmctld.log", "slurmd.log", "munge/munged.log"].map { name in
            "--- \(name)\n" + ((try? String(contentsOf: cluster.appendingPathComponent(name), encoding: .utf8)).map { String($0.suffix(2000)) } ?? "(none)")
        }.joined(separator: "\n")
    }

    static func jobLogs(_ job: URL) -> String {
        let folder = job.appendingPathComponent("logs")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().map { name in
            "--- \(name)\n" + ((try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)).map { String($0.suffix(2000)) } ?? "")
        }.joined(separator: "\n")
    }
}
