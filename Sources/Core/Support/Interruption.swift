import Foundation

/// Ctrl-C as a request to stop long work cleanly: the first SIGINT sets a flag that loops poll
/// (they then remove partial output and throw `CancellationError`); a second one exits at once.
public enum Interruption {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    nonisolated(unsafe) private static var installed = false
    /// Whether a second Ctrl-C exits at once (not in the REPL, where Ctrl-C only cancels a command).
    nonisolated(unsafe) public static var secondPressExits = true

    /// Installs the SIGINT handler (idempotent).
    public static func install() {
        guard !installed else { return }
        installed = true
        signal(SIGINT) { _ in
            if Interruption.flag != 0 && Interruption.secondPressExits { _exit(130) }
            Interruption.flag = 1
        }
    }

    /// Whether Ctrl-C was pressed since the last ``reset()``.
    public static var requested: Bool { flag != 0 }

    /// Clears the flag (the REPL does this before each command).
    public static func reset() { flag = 0 }
}
