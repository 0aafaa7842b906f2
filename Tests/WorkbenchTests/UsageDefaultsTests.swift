import Core
import Foundation
import Testing

/// A default is written once: each command's usage text shows the value its settings hold, so
/// changing the settings changes the help.
@Suite("usage defaults")
struct UsageDefaultsTests {
    /// The usage line of `option` in `workbench <command> --help` (the line that starts with it).
    static func usageLine(_ command: String, option: String) throws -> String? {
        let result = try WorkbenchProcess.run([command, "--help"])
        #expect(result.status == 0, "\(command) --help: \(result.errors)")
        return result.output.split(separator: "\n")
            .first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(option + " ") }.map(String.init)
    }

    static let interventionDefaults = InterventionStudy.Settings(model: "minilm", languages: [], attributes: [], layers: [])

    @Test("the usage text shows exactly the settings' default", arguments: [
        ("probe", "--min-types", "(default \(StudyDescription(name: "probe").minTypes))"),
        ("probe", "--max-k", "(default \(StudyDescription(name: "probe").neuronCounts.max() ?? 0))"),
        ("probe", "--split-seed", "the \(SplitRecipe.defaultHashed.percentages) split when the labels give none (default \(ActivationImport(arrays: [], labels: []).splitSeed))"),
        ("data", "--min-types", "(default \(DatasetSettings().minTypes))"),
        ("data", "--split", "(default \(SplitRecipe.defaultHashed.percentages))"),
        ("intervene", "--step", "(default \(interventionDefaults.step))"),
        ("intervene", "--gaussian-neurons", "(default \(interventionDefaults.gaussianNeurons))"),
        ("intervene", "--head-tokens", "(default \(ReadoutHead.Settings().maxTokens))"),
        ("intervene", "--min-types", "(default \(interventionDefaults.minTypes))"),
        ("mask", "--train-steps", "(default \(MaskTrainingSettings().steps))"),
        ("mask", "--batch", "(default \(MaskTrainingSettings().batchSize))"),
        ("train-lm", "--width", "(default \(LSTMTrainingSettings().width);"),
        ("train-lm", "--vocab", "(default \(LSTMTrainingSettings().vocabularySize);"),
        ("train-lm", "--held-out-every", "(default \(LSTMTrainingSettings().heldOutEvery))"),
        ("attribute", "--steps", "(default \(UnitAttribution.Settings().steps))"),
        ("bench", "--batch-tokens", "(default: \(WordActivationExtractor.defaultMaxBatchTokens))"),
    ])
    func usageShowsSettings(command: String, option: String, expected: String) throws {
        let line = try Self.usageLine(command, option: option)
        #expect(line?.contains(expected) == true, "\(command) \(option): \(line ?? "no such line")")
    }

    @Test("the split and the held-out defaults are spelled from their one source")
    func spelledDefaults() throws {
        #expect(SplitRecipe.defaultHashed.percentages == "80/10/10")
        #expect(try SplitRecipe.hashed() == SplitRecipe.defaultHashed)
        let heldOut = try Self.usageLine("mask", option: "--held-out")
        let expected = SparseInterventionStudy.TaskName.allCases.map { "\($0.rawValue) \($0.defaultHeldOut)" }.joined(separator: ", ")
        #expect(heldOut?.contains("(default: \(expected))") == true, "\(heldOut ?? "no --held-out line")")
    }
}
