import Foundation
import Testing

/// `workbench extract` end to end: the real executable on a tiny fixture model.
@Suite("workbench extract")
struct ExtractCommandTests {
    static let conllu = """
        # sent_id = t1
        1\tDogs\tdog\tNOUN\t_\tNumber=Plur\t2\tnsubj\t_\t_
        2\tbark\tbark\tVERB\t_\t_\t0\troot\t_\t_

        # sent_id = t2
        1\tA\ta\tDET\t_\t_\t2\tdet\t_\t_
        2\tcat\tcat\tNOUN\t_\tNumber=Sing\t3\tnsubj\t_\t_
        3\tmeows\tmeow\tVERB\t_\t_\t0\troot\t_\t_


        """

    func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("extract-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.conllu.utf8).write(to: folder.appendingPathComponent("tiny.conllu"))
        return folder
    }

    @Test("extracts, caches, reuses and exports")
    func extractAndReuse() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["extract", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/xlmr-tiny").path,
                         "--layers", "0,2", "--cache", folder.appendingPathComponent("cache").path,
                         folder.appendingPathComponent("tiny.conllu").path]
        let first = try WorkbenchProcess.run(arguments + ["--export", folder.appendingPathComponent("out").path])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("words      5 rows × 16; residual layers 0,2"), "\(first.output)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/layer-02.npy").path))
        let second = try WorkbenchProcess.run(arguments)
        #expect(second.status == 0)
        #expect(second.output.contains("reusing cached activations"), "\(second.output)")
    }

    @Test("bad input gives one line naming the problem", arguments: [
        (["extract", "--model", "/nonexistent/model", "x.conllu"], "/nonexistent/model: no such file"),
        (["extract", "--aggregation", "median"], "--aggregation must be mean, first or last"),
        (["extract", "--layers", "two"], "--layers expects numbers"),
        (["extract", "--frobnicate"], "unknown option --frobnicate"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["extrct", "x.conllu"], "error: unknown command 'extrct' — did you mean 'extract'?"),
        (["help", "nosuch"], "error: unknown command 'nosuch'; see `workbench help`"),
        (["extract", "--layer", "2", "x.conllu"], "error: unknown option --layer — did you mean '--layers'?"),
        (["extract", "--expotr=/tmp/x", "x.conllu"], "did you mean '--export'?"),
        (["extract", "--model", "--quiet", "x.conllu"], "error: option --model needs a value, not the option --quiet"),
        (["extract", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path, "/dev/null"],
         "error: /dev/null: cannot read CoNLL-U file: a device, not a regular file"),
        (["extract", "--model", "nosuchname", "x.conllu"],
         "error: unknown model 'nosuchname': the known names are minilm, mbert, xlmr, bert, gemma3 (under "),
        (["extract", "--model", "nosuchname", "x.conllu"], "a path to a Hugging Face folder or a GGUF file is also accepted"),
        (["extract", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path, "--export", "/dev/null", "x.conllu"],
         "error: --export /dev/null: a device, not a folder"),
        (["extract", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path, "--cache", "/dev/null/c", "x.conllu"],
         "error: --cache /dev/null/c: /dev/null is a device, not a folder"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let result = try WorkbenchProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.errors.hasPrefix("error: "), "\(result.errors)")
        #expect(result.errors.contains(message), "\(result.errors)")
        #expect(result.errors.split(separator: "\n").count == 1, "\(result.errors)")
    }

    @Test("`workbench <command> --help` and `-h` print that command's usage; `help <command>` too", arguments: ["extract", "probe", "mask", "run"])
    func commandHelp(command: String) throws {
        for arguments in [[command, "--help"], [command, "-h"], ["help", command]] {
            let result = try WorkbenchProcess.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.errors)")
            #expect(result.output.hasPrefix("usage: workbench \(command)"), "\(arguments): \(result.output.prefix(200))")
        }
        // Anywhere among a command's options; for `run`, only right after it (later flags are the script's).
        #expect(try WorkbenchProcess.run([command, "x", "--help"]).output.hasPrefix("usage: workbench \(command)") == (command != "run"))
    }

    @Test("a malformed treebank line is reported with file and line")
    func malformedTreebank() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.conllu")
        try Data("# sent_id = b1\n1\tOnly\tthree\n\n".utf8).write(to: bad)
        let result = try WorkbenchProcess.run(["extract", "--model", WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path,
                                               "--cache", folder.path, bad.path])
        #expect(result.status != 0)
        #expect(result.errors.contains("bad.conllu:2"), "\(result.errors)")
    }
}
