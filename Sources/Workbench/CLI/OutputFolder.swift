import Foundation

/// A folder a command will write into (`--export`, `--cache`), checked before any work: the path,
/// or the nearest part of it that exists, must be a folder.
enum OutputFolder {
    /// - Throws: ``UsageError`` naming the option, the path and what is in the way.
    static func check(_ text: String, option: String) throws {
        let wanted = URL(fileURLWithPath: (text as NSString).expandingTildeInPath)
        var url = wanted
        while true {
            if let type = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType {
                guard type == .typeDirectory || (type == .typeSymbolicLink && isFolder(url)) else {
                    let what = url.path == wanted.path ? "" : "\(url.path) is "
                    throw UsageError("\(option) \(text): \(what)\(describe(type)), not a folder")
                }
                return
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return }
            url = parent
        }
    }

    private static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func describe(_ type: FileAttributeType) -> String {
        switch type {
        case .typeCharacterSpecial, .typeBlockSpecial: return "a device"
        case .typeRegular: return "a file"
        case .typeSocket: return "a socket"
        case .typeSymbolicLink: return "a link to no folder"
        default: return "a special file"
        }
    }
}
