import Foundation

/// A one-line progress display on standard error: bar, count, rate and ETA.
///
/// On a terminal the line redraws in place at most ten times a second. In a log (standard error is
/// a file or a pipe) each bar writes one line when it finishes, and before that one line when at
/// least a tenth more of the work is done *and* ``logInterval`` seconds have passed since the last
/// line, each with its rate and ETA: a short step is one line, a long one a line every half minute
/// or so. Prints nothing when `quiet` (tests, pipes that want silence) or with `NEURON_QUIET`.
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let unit: String
    private let quiet: Bool
    private let now: () -> Date
    private let start: Date
    private var lastDraw = Date.distantPast
    private var lock = NSLock()
    public private(set) var completed = 0
    /// A second counter shown as a rate (e.g. tokens/s while the bar counts sentences).
    private var throughput = 0
    private let throughputUnit: String?
    /// On a terminal the line redraws in place; in a log it is written as ``logInterval`` says.
    /// `NEURON_PROGRESS_TERMINAL=1` says the pipe standard error goes to ends on a terminal
    /// (`workbench run` passes a script's standard error through one).
    private let interactive: Bool
    /// Where the text goes (standard error).
    private let write: (String) -> Void
    private var lastLoggedTenth = 0
    /// A figure shown after the rate (e.g. "ppl 312.4"), set by ``setDetail(_:)``.
    private var detail = ""

    /// Total of the second counter, when known: the ETA then follows it (e.g. tokens, when
    /// sentences come shortest first and their count would promise too early an end).
    private let throughputTotal: Int?

    /// The least time between two lines of one bar in a log.
    public static let logInterval: TimeInterval = 30

    /// Whether standard error is a terminal (or `NEURON_PROGRESS_TERMINAL=1` says it ends on one).
    public static var standardErrorIsTerminal: Bool {
        isatty(STDERR_FILENO) != 0 || ProcessInfo.processInfo.environment["NEURON_PROGRESS_TERMINAL"] == "1"
    }

    public convenience init(_ label: String, total: Int, unit: String = "items", throughputUnit: String? = nil,
                            throughputTotal: Int? = nil, quiet: Bool = false) {
        self.init(label, total: total, unit: unit, throughputUnit: throughputUnit, throughputTotal: throughputTotal, quiet: quiet,
                  interactive: Self.standardErrorIsTerminal, now: Date.init,
                  write: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// A bar with its own terminal test, clock and output (tests drive these).
    init(_ label: String, total: Int, unit: String = "items", throughputUnit: String? = nil, throughputTotal: Int? = nil,
         quiet: Bool = false, interactive: Bool, now: @escaping () -> Date, write: @escaping (String) -> Void) {
        self.throughputTotal = throughputTotal
        self.label = label
        self.total = max(total, 0)
        self.unit = unit
        self.throughputUnit = throughputUnit
        self.quiet = quiet || ProcessInfo.processInfo.environment["NEURON_QUIET"] != nil
        self.interactive = interactive
        self.now = now
        self.write = write
        start = now()
        lastDraw = start
    }

    /// Adds finished work and redraws if due.
    public func advance(by amount: Int = 1, throughput extra: Int = 0) {
        lock.lock(); defer { lock.unlock() }
        completed += amount
        throughput += extra
        let time = now()
        if interactive {
            if time.timeIntervalSince(lastDraw) >= 0.1 || completed >= total { draw(at: time) }
        } else {
            // The finished line comes from finish(); before it, a line per tenth at most, and no
            // closer than logInterval to the last one (or to the start).
            let tenth = total == 0 ? 10 : completed * 10 / total
            if tenth > lastLoggedTenth && tenth < 10 && time.timeIntervalSince(lastDraw) >= Self.logInterval {
                lastLoggedTenth = tenth
                draw(at: time)
            }
        }
    }

    /// Sets the figure shown after the rate (the running perplexity of training); drawn with the next redraw.
    public func setDetail(_ text: String) {
        lock.lock(); detail = text; lock.unlock()
    }

    /// Draws the final state and ends the line.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard !quiet else { return }
        draw(at: now())
        if interactive { write("\n") }
    }

    private func draw(at time: Date) {
        guard !quiet else { return }
        lastDraw = time
        let elapsed = max(time.timeIntervalSince(start), 1e-6)
        let fraction = total == 0 ? 1 : Double(completed) / Double(total)
        let width = 28
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = Double(completed) / elapsed
        var eta = rate > 0 ? Double(total - completed) / rate : 0
        if let throughputTotal, throughput > 0 {
            eta = Double(throughputTotal - throughput) / (Double(throughput) / elapsed)
        }
        var line = (interactive ? "\r" : "") + "\(label) \(bar) \(completed)/\(total) \(unit)  \(Self.format(rate))/s"
        if let throughputUnit { line += "  \(Self.format(Double(throughput) / elapsed)) \(throughputUnit)/s" }
        if !detail.isEmpty { line += "  \(detail)" }
        if interactive {
            line += completed >= total ? "  \(Self.duration(elapsed))   " : "  ETA \(Self.duration(eta))   "
        } else {
            // A log line has no padding to overwrite an older one.
            line += completed >= total ? "  \(Self.duration(elapsed))" : "  ETA \(Self.duration(eta))"
        }
        write(interactive ? line : line + "\n")
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
