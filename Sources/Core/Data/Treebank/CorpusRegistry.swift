import Foundation

/// The treebanks under a UD root, found by their folder and file names.
///
/// A treebank is a folder `UD_<Language>-<Name>` holding files `<code>_<name>-ud-<split>.conllu`.
/// Other files are listed in ``ignoredFiles`` rather than silently skipped.
public struct CorpusRegistry: Sendable {
    /// The UD root that was scanned.
    public var root: URL
    /// Every treebank, sorted by language then name.
    public var treebanks: [TreebankInfo]
    /// `.conllu` files whose names do not end in `-ud-train/dev/test.conllu`.
    public var ignoredFiles: [URL]

    /// Creates a registry from already known treebanks.
    public init(root: URL, treebanks: [TreebankInfo], ignoredFiles: [URL] = []) {
        self.root = root
        self.treebanks = treebanks.sorted { ($0.language, $0.name) < ($1.language, $1.name) }
        self.ignoredFiles = ignoredFiles
    }

    /// Scans `root` for treebank folders.
    ///
    /// - Throws: ``CorpusError/missingRoot(path:)`` or ``CorpusError/noTreebanks(path:)``.
    public static func scan(_ root: URL) throws -> CorpusRegistry {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CorpusError.missingRoot(path: root.path)
        }
        let folders = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
        var treebanks: [TreebankInfo] = []
        var ignored: [URL] = []
        for folder in folders.sorted() where folder.hasPrefix("UD_") {
            let directory = root.appendingPathComponent(folder, isDirectory: true)
            let body = folder.dropFirst(3)
            let (language, name): (String, String)
            if let dash = body.lastIndex(of: "-") {
                language = body[..<dash].replacingOccurrences(of: "_", with: " ")
                name = String(body[body.index(after: dash)...])
            } else {
                language = body.replacingOccurrences(of: "_", with: " ")
                name = ""
            }
            var files: [DataSplit: URL] = [:]
            var code = ""
            let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in names.sorted() where file.hasSuffix(".conllu") {
                let url = directory.appendingPathComponent(file)
                guard let split = DataSplit.allCases.first(where: { file.hasSuffix("-ud-\($0.rawValue).conllu") }) else {
                    ignored.append(url)
                    continue
                }
                files[split] = url
                if let underscore = file.firstIndex(of: "_") { code = String(file[..<underscore]) }
            }
            if !files.isEmpty {
                treebanks.append(TreebankInfo(language: language, name: name, code: code, directory: directory, files: files))
            }
        }
        guard !treebanks.isEmpty else { throw CorpusError.noTreebanks(path: root.path) }
        return CorpusRegistry(root: root, treebanks: treebanks, ignoredFiles: ignored)
    }

    /// The languages, sorted.
    public var languages: [String] { Array(Set(treebanks.map(\.language))).sorted() }

    /// The language a user meant: its name or its file code, ignoring case (`english`, `en`).
    ///
    /// - Throws: ``CorpusError/unknownLanguage(name:known:)``.
    public func language(named name: String) throws -> String {
        let wanted = name.lowercased()
        if let match = treebanks.first(where: { $0.language.lowercased() == wanted || $0.code.lowercased() == wanted }) {
            return match.language
        }
        throw CorpusError.unknownLanguage(name: name, known: languages)
    }

    /// The treebanks of `language` (matched as in ``language(named:)``).
    public func treebanks(of language: String) throws -> [TreebankInfo] {
        let resolved = try self.language(named: language)
        return treebanks.filter { $0.language == resolved }
    }
}
