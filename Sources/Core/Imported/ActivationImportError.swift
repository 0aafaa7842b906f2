import Foundation
import Corpora

/// What is wrong with activations or labels a user brings (``ImportedActivations``), in one line that
/// names the file (and line or row) and says what to do.
public enum ActivationImportError: Error, CustomStringConvertible, Equatable {
    /// The array is not [words, neurons].
    case notTwoDimensional(array: URL, shape: [Int])
    /// The array has a different number of rows than there are labels (or CoNLL-U words).
    case rowCountMismatch(array: URL, rows: Int, labels: URL, labelCount: Int, unit: String)
    /// Two arrays of one import disagree in rows or width.
    case arraysDisagree(array: URL, shape: [Int], first: URL, firstShape: [Int])
    /// A row of the array holds a NaN or an infinity (rows counted from 0, as numpy does).
    case nonFinite(array: URL, row: Int, neuron: Int, value: Float)
    /// The labels name fewer than two classes.
    case singleClass(labels: URL, label: String?)
    /// A split column value that is not train, dev or test.
    case unknownSplit(labels: URL, line: Int, value: String)
    /// A labels line that does not have the columns the others have, or an empty label.
    case malformedLine(labels: URL, line: Int, reason: String)
    /// One of train, dev or test has no example.
    case emptySplit(labels: URL, split: DataSplit, counts: SplitCounts)
    /// A label with no training example (its class mean, probe weights and Gaussian are undefined).
    case labelWithoutTraining(labels: URL, label: String, counts: SplitCounts)
    /// The CoNLL-U route needs the attribute whose values become labels.
    case missingAttribute(labels: URL)
    /// A CoNLL-U attribute with fewer than two values surviving the type filter.
    case attributeNotATask(labels: URL, attribute: String, values: [String], minTypes: Int)
    /// An import that cannot be opened as written (no array, layer numbers that repeat, …): found
    /// without reading a file.
    case invalidSpecification(String)
    /// Labels in a form the workbench does not read.
    case unsupportedLabels(URL, reason: String)

    public var description: String {
        switch self {
        case .notTwoDimensional(let array, let shape):
            let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
            return "\(array.path): shape \(shapeText) is \(shape.count)-D; expected a 2-D [words, neurons] array — "
                + (shape.count > 2 ? "save one layer (x[layer]) or flatten the leading axes (x.reshape(-1, x.shape[-1]))"
                                   : "one row per word, one column per neuron")
        case .rowCountMismatch(let array, let rows, let labels, let labelCount, let unit):
            return "\(array.path) has \(rows) rows but \(labels.path) has \(labelCount) \(unit) — the array needs one row per label, in the same order"
        case .arraysDisagree(let array, let shape, let first, let firstShape):
            return "\(array.path): shape \(shape) differs from \(first.lastPathComponent)'s \(firstShape) — the layers of one import need the same words and width"
        case .nonFinite(let array, let row, let neuron, let value):
            return "\(array.path): row \(row) (counting from 0) holds \(value) at neuron \(neuron) — rankings and probes need finite values; drop or fix that row and its label"
        case .singleClass(let labels, let label):
            return "\(labels.path): " + (label.map { "every row has the label '\($0)'" } ?? "no labels")
                + " — probing needs two or more classes"
        case .unknownSplit(let labels, let line, let value):
            return "\(labels.path):\(line): unknown split '\(value)' — the split column holds train, dev (or validation) or test"
        case .malformedLine(let labels, let line, let reason):
            return "\(labels.path):\(line): \(reason)"
        case .emptySplit(let labels, let split, let counts):
            return "\(labels.path): no example in the \(split) split (train/dev/test \(counts.train)/\(counts.dev)/\(counts.test)) — "
                + "probes train on train, the Gaussian ranking selects on dev, curves are measured on test"
        case .labelWithoutTraining(let labels, let label, let counts):
            return "\(labels.path): label '\(label)' has no training example (train/dev/test \(counts.train)/\(counts.dev)/\(counts.test)) — "
                + "give it train rows, or drop or relabel its rows"
        case .missingAttribute(let labels):
            return "\(labels.path): CoNLL-U labels need the attribute to probe, e.g. --attribute Number (or attribute: .number)"
        case .attributeNotATask(let labels, let attribute, let values, let minTypes):
            return "\(labels.path): \(attribute) has fewer than two values with \(minTypes)+ word types per split"
                + (values.isEmpty ? " (no word carries it)" : " (values: \(values.joined(separator: ", ")))")
                + " — lower --min-types or choose another attribute"
        case .invalidSpecification(let problem):
            return "Activations: \(problem)"
        case .unsupportedLabels(let url, let reason):
            return "\(url.path): \(reason)"
        }
    }
}
