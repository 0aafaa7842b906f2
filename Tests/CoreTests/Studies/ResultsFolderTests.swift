import Foundation
import Testing
@testable import Studies

@Suite("Results folder")
struct ResultsFolderTests {
    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("owned-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    let study = ResultsFolder.Owner(study: "morphology", identity: "aaaa")
    let other = ResultsFolder.Owner(study: "syntax", identity: "bbbb")

    @Test("an absent or empty folder is claimed and marked; its owner may write again")
    func claim() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("results/morphology")
        try ResultsFolder.claim(folder, for: study)
        #expect(ResultsFolder.owner(of: folder) == study)
        try Data("report".utf8).write(to: folder.appendingPathComponent("report.md"))
        try ResultsFolder.claim(folder, for: study)
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try ResultsFolder.claim(empty, for: other)
        #expect(ResultsFolder.owner(of: empty) == other)
    }

    @Test("a user's files are refused, and kept under --force")
    func userFiles() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let error = #expect(throws: StudyError.self) { try ResultsFolder.claim(folder, for: study) }
        #expect(error?.description == "\(folder.path) already holds files that no study of the workbench wrote (notes.txt): nothing was written — choose another --out, or pass --force to write there anyway")
        #expect(ResultsFolder.owner(of: folder) == nil)
        try ResultsFolder.claim(folder, for: study, force: true)
        #expect(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
        #expect(ResultsFolder.owner(of: folder) == study)
    }

    @Test("another study's folder is refused; --force removes its per-config files")
    func otherStudy() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ResultsFolder.claim(folder, for: other)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("configs"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("configs/old.json"))
        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let error = #expect(throws: StudyError.self) { try ResultsFolder.claim(folder, for: study) }
        #expect(error == .foreignOutput(path: folder.path, holds: "the results of study 'syntax' (bbbb)"))
        let renamed = ResultsFolder.Owner(study: "syntax", identity: "cccc")
        #expect(ResultsFolder.problem(writing: folder, for: renamed)
                == .foreignOutput(path: folder.path, holds: "the results of another version of study 'syntax' (bbbb)"))
        var log: [String] = []
        try ResultsFolder.claim(folder, for: study, force: true, log: { log.append($0) })
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("configs").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
        #expect(log == ["--force: removed \(folder.appendingPathComponent("configs").path) of study 'syntax'"])
        #expect(ResultsFolder.owner(of: folder) == study)
    }

    @Test("an empty --out names no folder; a file is no folder, even under --force")
    func emptyAndFile() throws {
        #expect(throws: StudyError.emptyOutput(option: "--out")) { try ResultsFolder.url("") }
        #expect(throws: StudyError.emptyOutput(option: "--out")) { try ResultsFolder.url("  ") }
        #expect(try ResultsFolder.url("results/x").path.hasSuffix("/results/x"))
        #expect(StudyError.emptyOutput(option: "--out").description
                == "--out \"\" names no folder (the results would land in the working directory) — give one, e.g. --out results/study")
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("report")
        try Data("x".utf8).write(to: file)
        #expect(throws: StudyError.foreignOutput(path: file.path, holds: "a file, not a folder")) {
            try ResultsFolder.claim(file, for: study, force: true)
        }
    }
}
