import Core
import Foundation

/// A whole study in a few lines of Swift: the DSL describes it, Core plans and runs it.
///
/// ```swift
/// let study = Study("pitfalls-morphology") {
///     Model(.minilm)
///     Languages(.english, .spanish, .french)
///     Attributes(.number, .gender, .tense)
///     Layers(2, 4, 6)
///     Rank(.linear, .gaussian, .probeless, .random)
///     Probe(.linear, .gaussian, neurons: 1...150)
///     Control(.uniform)
///     Report(.accuracyCurves, .selectivity, .overlaps)
/// }
/// try study.run()
/// ```
public struct Study: Sendable, CustomStringConvertible {
    public var name: String
    /// The lines of the study, in order. Within one block, `Languages`, `Attributes`, `Intervene`,
    /// `Mask` and `Report` lines add up (so `for` loops can build them); a study names one `Model`; any
    /// other line replaces an earlier one of its kind. ``with(_:)`` overrides a preset.
    public var components: [any StudyComponent]

    /// - Parameters:
    ///   - name: names the results folder (`results/<name>`)
    ///   - content: the components
    public init(_ name: String, @StudyBuilder _ content: () -> [any StudyComponent]) {
        self.name = name
        components = content()
    }

    public init(_ name: String, components: [any StudyComponent]) {
        self.name = name
        self.components = components
    }

    /// A copy with some lines overridden: every kind of component the block names replaces this
    /// study's lines of that kind, and the kinds it does not name are kept.
    ///
    /// `Study.antverg2022.with { Model(.minilm); Layers(2, 4, 6) }` is the preset on MiniLM's layers;
    /// `.with { Languages(.english) }` studies English alone; `.with { Intervene(.ablate) }` keeps
    /// only the ablation sweep.
    public func with(@StudyBuilder _ content: () -> [any StudyComponent]) -> Study {
        let overrides = content()
        let replaced = Set(overrides.map { type(of: $0).componentName })
        let kept = components.filter { !replaced.contains(type(of: $0).componentName) }
        return Study(name, components: kept + overrides)
    }

    /// A copy under another name.
    public func named(_ name: String) -> Study { Study(name, components: components) }

    /// What Core executes: every component applied in order.
    public var settings: StudyDescription {
        var study = StudyDescription(name: name)
        for component in components { component.apply(to: &study) }
        return study
    }

    /// Everything wrong that needs no data: missing components, bad values, contradictions.
    public var problems: [StudyError] {
        var problems = components.flatMap { $0.problems() }
        var models: [String: String] = [:]
        for case let model as Model in components { models[model.choice.catalogName] = model.description }
        if models.count > 1 {
            problems.append(.contradictory("two models: " + models.values.sorted().joined(separator: " and ") + " — a study has one Model"))
        }
        problems += settings.problems()
        return problems
    }

    /// Checks the study and plans it against the model and the data, without running anything.
    public func plan(shared: SharedData = SharedData()) throws -> StudyPlan {
        if let first = problems.first { throw first }
        return try StudyPlanner(shared: shared).plan(settings)
    }

    /// Runs the study as a script's last line: options from the command line (`--dry-run`,
    /// `--shard i/n`, `--out DIR`, `--shared DIR`, `--cache DIR`, `--slurm N`, …: see
    /// `StudyRunner.Options.flags`; so `workbench run study.swift --dry-run` works), and any problem printed as one `error:` line with exit status 1 (130 after Ctrl-C)
    /// instead of a crash at top level.
    public func run() throws {
        MemoryAllocator.keepLargeBlocks()   // the script is its own process
        do {
            try run(options: try StudyRunner.Options.fromCommandLine())
        } catch is CancellationError {
            FileHandle.standardError.write(Data("\ninterrupted: stopped cleanly; finished configs are kept and a rerun resumes\n".utf8))
            exit(130)
        } catch {
            FileHandle.standardError.write(Data("error: \(ErrorMessage.text(for: error))\n".utf8))
            exit(1)
        }
    }

    /// Runs the study with explicit options: plans it, runs what is not cached, writes the results
    /// folder with its report. Throws any problem (for the REPL and tests).
    @discardableResult
    public func run(options: StudyRunner.Options,
                    log: (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }) throws -> StudyRunner.Outcome {
        if let first = problems.first { throw first }
        let outcome = try StudyRunner(options: options).run(settings, log: log)
        if !options.dryRun, options.slurm == nil {
            if outcome.report != nil {
                if !outcome.masks.isEmpty { log("\n" + MaskReport.terminalSummary(outcome.masks)) }
                log("\n\(name): \(outcome.computed) configs computed, \(outcome.cached) from the cache; report \(outcome.folder.path)/report.md")
            } else {
                log("\n\(name) shard \(options.shard): \(outcome.computed + outcome.cached) configs in \(outcome.folder.path) — join the shards with `workbench merge`")
            }
        }
        return outcome
    }

    /// The study as a script would write it.
    public var description: String {
        "Study(\"\(name)\") {\n" + components.map { "    \($0)" }.joined(separator: "\n") + "\n}"
    }
}
