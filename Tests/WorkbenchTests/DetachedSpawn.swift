import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program that may leave a daemon behind (tmux starts its server this way) and waits for it.
///
/// Foundation's `Process` is not used for such programs: on Linux it learns of a child's exit from a
/// socket the child inherits, so a daemon the child forks keeps that socket open and
/// `waitUntilExit()` does not return until the daemon ends. Here the child inherits nothing but
/// standard input (`/dev/null`) and standard output and error (a file), and `waitpid` waits for it.
enum DetachedSpawn {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// - Returns: what the program wrote to standard output and error, and its exit status.
    static func run(_ executable: String, _ arguments: [String]) throws -> (output: String, status: Int32) {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: capture) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        try closeInheritedDescriptors(&actions)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "\(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure(description: "waitpid for \(executable): \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exited = status & 0x7f == 0
        return (output, exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
    }

    /// Every descriptor from 3 up is closed in the child (glibc's `posix_spawn_file_actions_addclosefrom_np`,
    /// looked up at run time because Swift's Glibc module does not declare it).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(description: "this C library has no posix_spawn_file_actions_addclosefrom_np (glibc ≥ 2.34 does)")
        }
        let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
        guard closeFrom(&actions, 3) == 0 else { throw Failure(description: "posix_spawn_file_actions_addclosefrom_np failed") }
    }
}
