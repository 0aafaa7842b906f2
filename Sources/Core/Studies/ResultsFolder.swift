import Foundation
import Support

/// The one rule for every command that writes a results folder (`run`, `probe`, `intervene`,
/// `merge`, a study script's `--out`): a folder is written only by the study that owns it.
///
/// The owner is recorded in `.workbench-study` inside the folder (the study's name and identity
/// hash: a plan's ``StudyPlan/digest``, which its shards and their merge share). A folder that is
/// absent, empty or marked by the same study is written; one that holds anything else — a user's
/// files, another study's results — is refused before any work, unless `force` is given, which
/// then removes the previous study's per-config files (`configs/`, `figures/`, `interventions/`) so
/// none of them is left behind stale. A user's own files are never removed.
public enum ResultsFolder {
    /// Where a command or a study writes without `--out`: `results/<name>` under the working directory.
    public static func defaultPath(_ name: String) -> String { "results/\(name)" }

    /// The marker file's name.
    public static let markerName = ".workbench-study"
    /// What a previous study leaves per config, removed under `force`.
    static let perConfigFolders = ["configs", "figures", "interventions"]

    /// Who owns a results folder.
    public struct Owner: Sendable, Codable, Equatable {
        /// The study's name (for messages).
        public var study: String
        /// What tells studies apart: equal for a study, its shards and their merge.
        public var identity: String
        public var tool: String

        public init(study: String, identity: String) {
            self.study = study
            self.identity = identity
            tool = BuildInfo.tool
        }
    }

    /// The folder an `--out` value names; an empty value (which would write into the working
    /// directory) is refused.
    public static func url(option: String = "--out", _ text: String) throws -> URL {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw StudyError.emptyOutput(option: option) }
        return URL(fileURLWithPath: (text as NSString).expandingTildeInPath, isDirectory: true)
    }

    /// The owner recorded in a folder, if any: its marker, or for a folder written before markers
    /// existed, its `study.json`.
    public static func owner(of folder: URL) -> Owner? {
        if let data = try? Data(contentsOf: folder.appendingPathComponent(markerName)),
           let owner = try? JSONDecoder().decode(Owner.self, from: data) {
            return owner
        }
        if let record = try? StudyResults.record(in: folder) { return Owner(study: record.study.name, identity: record.digest) }
        return nil
    }

    /// Why `owner` may not write into `folder` (nil when it may), without touching anything.
    public static func problem(writing folder: URL, for owner: Owner) -> StudyError? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else { return nil }
        guard isFolder.boolValue else { return .foreignOutput(path: folder.path, holds: "a file, not a folder") }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0 != markerName }.sorted()
        guard !names.isEmpty else { return nil }
        if let previous = Self.owner(of: folder) {
            if previous.identity == owner.identity { return nil }
            let same = previous.study == owner.study ? "another version of study '\(previous.study)'" : "study '\(previous.study)'"
            return .foreignOutput(path: folder.path, holds: "the results of \(same) (\(previous.identity))")
        }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
        return .foreignOutput(path: folder.path, holds: "files that no study of the workbench wrote (\(shown))")
    }

    /// Makes `folder` the results folder of `owner` before any result is written: creates and
    /// marks it, or refuses (see the type's rule).
    ///
    /// - Parameters:
    ///   - force: write anyway; a previous study's per-config files are removed first.
    ///   - log: says what `force` removed.
    /// - Throws: ``StudyError/foreignOutput(path:holds:)`` when the folder is another's.
    public static func claim(_ folder: URL, for owner: Owner, force: Bool = false, log: (String) -> Void = { _ in }) throws {
        if let problem = problem(writing: folder, for: owner) {
            guard force, case .foreignOutput = problem else { throw problem }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue { throw problem }
            if let previous = self.owner(of: folder) {
                for name in perConfigFolders {
                    let stale = folder.appendingPathComponent(name, isDirectory: true)
                    guard FileManager.default.fileExists(atPath: stale.path) else { continue }
                    try FileManager.default.removeItem(at: stale)
                    log("--force: removed \(stale.path) of study '\(previous.study)'")
                }
            }
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(owner).write(to: folder.appendingPathComponent(markerName), options: .atomic)
        } catch {
            throw CacheError.cannotWrite(folder, reason: ErrorMessage.reason(error))
        }
    }

    /// Whether two URLs name the same folder (symbolic links and `..` resolved).
    public static func same(_ a: URL, _ b: URL) -> Bool {
        a.standardizedFileURL.resolvingSymlinksInPath().path == b.standardizedFileURL.resolvingSymlinksInPath().path
    }
}
