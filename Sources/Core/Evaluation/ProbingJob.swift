import Foundation
import Corpora
import Kernels
import Support
import Probing
import Storage
import Statistics

/// A ranked config's curves, computed on a thread of their own so that its rankings answer at once
/// (the REPL's `top` and `overlap`): first every curve on coarse k (the first k, then every tenth:
/// 1, 10, 20, …), then each curve refined to every k, one after another (the Gaussian probe's,
/// which take moments, before the linear probe's). Each part is visible in
/// ``snapshot`` as soon as it is ready; the finished result goes into the result cache, where
/// ``ConfigProbing/result(for:dataset:store:layers:withDurrani:log:)`` finds it. The curves are
/// the ones a run makes at once (each k is a fresh probe; ``AccuracyCurve/joined(_:neuronCounts:)``).
public final class ProbingJob: @unchecked Sendable {
    /// What the job has so far.
    public struct Snapshot: Sendable {
        /// The ranked config's result with the curves so far (a coarse curve holds only the coarse k).
        public var result: ConfigResult
        /// Curves on every k, curves on coarse k only, and all curves.
        public var complete: Int, coarse: Int, total: Int
        /// Seconds since the job started.
        public var elapsed: Double
        /// Set once every curve is complete and the result is stored (or the job failed).
        public var finished: Bool
        /// Why the job stopped early (cancelled, or an error), if it did.
        public var failure: String?
    }

    public let ranked: ConfigProbing.RankedConfig
    private let probing: ConfigProbing
    private let cacheFile: URL
    private let withDurrani: Bool
    private let beforeCurves: (@Sendable () -> Void)?
    private let condition = NSCondition()
    private var parts: [[AccuracyCurve]]
    private var final: ConfigResult?
    private var failure: (any Error)?
    private var cancelled = false
    private var ended = false
    private let started = Date()

    /// - Parameters:
    ///   - cacheFile: where the finished result is stored (``StudyRunner/PreparedConfig/cacheFile``).
    ///   - beforeCurves: runs on the job's thread before its first curve (a test holds the curves back with it).
    public init(probing: ConfigProbing, ranked: ConfigProbing.RankedConfig, cacheFile: URL, withDurrani: Bool,
                beforeCurves: (@Sendable () -> Void)? = nil) {
        self.probing = probing
        self.ranked = ranked
        self.cacheFile = cacheFile
        self.withDurrani = withDurrani
        self.beforeCurves = beforeCurves
        parts = Array(repeating: [], count: ranked.combinations.count)
    }

    /// The coarse k of a curve: the first, every multiple of ten, and the last.
    public static func coarse(_ neuronCounts: [Int]) -> [Int] {
        neuronCounts.enumerated().filter { $0.offset == 0 || $0.offset == neuronCounts.count - 1 || $0.element % 10 == 0 }.map(\.element)
    }

    /// The order of the work: every curve (by its index in ``ConfigProbing/RankedConfig/combinations``)
    /// on the coarse k, then each curve's other k, in chunks, one curve after another; the Gaussian
    /// probe's curves before the linear probe's each time.
    public var passes: [(index: Int, neuronCounts: [Int])] {
        let all = ranked.neuronCounts
        let coarse = Self.coarse(all)
        let coarseSet = Set(coarse)
        let rest = all.filter { !coarseSet.contains($0) }
        // The Gaussian probe's curves first: they take moments, a fresh linear probe per k takes most of the time.
        let order = ranked.combinations.indices.sorted {
            (ranked.combinations[$0].classifier == .gaussian ? 0 : 1, $0) < (ranked.combinations[$1].classifier == .gaussian ? 0 : 1, $1)
        }
        var passes = order.map { (index: $0, neuronCounts: coarse) }
        // Chunks: how much of a curve becomes visible at once (the cores take the chunks' k one by one).
        let chunk = max(8, 4 * ProcessorCores.available)
        for index in order {
            for start in stride(from: 0, to: rest.count, by: chunk) {
                passes.append((index, Array(rest[start..<min(start + chunk, rest.count)])))
            }
        }
        return passes
    }

    /// Starts the curves on a new thread.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func run() {
        beforeCurves?()
        do {
            try computePasses()
            let curves = parts.map { AccuracyCurve.joined($0, neuronCounts: ranked.neuronCounts)! }
            let result = probing.result(ranked, curves: curves, withDurrani: withDurrani, log: { _ in })
            let (stored, _) = try CachedResult.value(at: cacheFile, log: { _ in }) { result }
            condition.lock()
            final = stored
        } catch {
            condition.lock()
            failure = error
        }
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// Every pass's work in one queue on every core, taken in the passes' order: a linear probe per k,
    /// a Gaussian curve whole. A pass is visible in ``snapshot`` once all its pieces are done. (Run
    /// pass by pass, each pass ended with its last probe on one core and the others idle: every k of
    /// `use minilm en pos 4` came 86.5–90.4 s after `use` that way, 78.9–84.5 s this way, three
    /// rounds each on 2 cores; README, "First answers".)
    private func computePasses() throws {
        let passes = self.passes
        let pieces: [(pass: Int, neuronCounts: [Int])] = passes.enumerated().flatMap { number, pass in
            ranked.combinations[pass.index].classifier == .linear ? pass.neuronCounts.map { (number, [$0]) } : [(number, pass.neuronCounts)]
        }
        let done = PassParts(passes: passes.count)
        BLAS.beginSingleThreaded()   // many small probes: the cores go to the pieces instead
        defer { BLAS.endSingleThreaded() }
        Parallel.drain(pieces.count, workers: ProcessorCores.available) { [self] item in
            condition.lock()
            let stop = cancelled
            condition.unlock()
            if stop { return false }
            let (number, neuronCounts) = pieces[item]
            let pass = passes[number]
            let part = probing.curve(ranked, pass.index, neuronCounts: neuronCounts)
            condition.lock()
            if let whole = done.add(part, to: number, expecting: pass.neuronCounts) {
                parts[pass.index].append(whole)
                condition.broadcast()
            }
            condition.unlock()
            return true
        }
        condition.lock()
        let stopped = cancelled
        condition.unlock()
        if stopped { throw CancellationError() }
    }

    /// Asks the job to stop after the part it is computing; nothing is cached.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.unlock()
    }

    /// Whether the job has ended (finished, failed or cancelled).
    public var hasEnded: Bool {
        condition.lock(); defer { condition.unlock() }
        return ended
    }

    /// The result with the curves so far.
    public var snapshot: Snapshot {
        condition.lock(); defer { condition.unlock() }
        var result = final ?? ranked.partial
        var complete = 0, coarse = 0
        if final == nil {
            result.curves = parts.compactMap { AccuracyCurve.joined($0, neuronCounts: ranked.neuronCounts, partial: true) }
            for curve in result.curves {
                if curve.neuronCounts == ranked.neuronCounts { complete += 1 } else { coarse += 1 }
            }
        } else {
            complete = ranked.combinations.count
        }
        return Snapshot(result: result, complete: complete, coarse: coarse, total: ranked.combinations.count,
                        elapsed: Date().timeIntervalSince(started), finished: ended,
                        failure: failure.map { $0 is CancellationError ? "cancelled" : ErrorMessage.text(for: $0) })
    }

    /// Waits until the job ends. - Returns: the finished result.
    /// - Throws: the job's error, `CancellationError` if it was cancelled, or if `interrupted()` says
    ///   so while waiting (polled every 0.1 s; the job goes on).
    public func wait(interrupted: () -> Bool = { false }) throws -> ConfigResult {
        condition.lock(); defer { condition.unlock() }
        while !ended {
            if interrupted() { throw CancellationError() }
            _ = condition.wait(until: Date().addingTimeInterval(0.1))
        }
        if let final { return final }
        throw failure ?? CancellationError()
    }
}

/// The pieces of each pass as they finish (callers hold the job's lock).
private final class PassParts: @unchecked Sendable {
    private var pieces: [[AccuracyCurve]]

    init(passes: Int) { pieces = Array(repeating: [], count: passes) }

    /// Adds a finished piece. - Returns: the pass's curve once its pieces cover `neuronCounts`.
    func add(_ piece: AccuracyCurve, to pass: Int, expecting neuronCounts: [Int]) -> AccuracyCurve? {
        pieces[pass].append(piece)
        guard pieces[pass].reduce(0, { $0 + $1.neuronCounts.count }) == neuronCounts.count else { return nil }
        defer { pieces[pass] = [] }
        return AccuracyCurve.joined(pieces[pass], neuronCounts: neuronCounts)
    }
}
