import Core
import Foundation

/// `workbench extract`: word activations of a model over treebank files, cached on disk.
enum ExtractCommand: Command {
    static let name = "extract"
    static let summary = "extract and cache word activations of a model over CoNLL-U treebanks"
    static let usage = """
        usage: workbench extract [options] [TREEBANK.conllu ...]

        Runs the model over the treebank sentences (pre-tokenized into their syntactic words) and
        caches one vector per word for each selected hidden state. A second run with the same model
        files, treebank bytes and settings reuses the cache.

          TREEBANK.conllu    files to read, in order (default: every .conllu of UD_English-EWT
                             under the UD root)
          --model NAME|PATH  \(DefaultModels.encoder) (default), mbert, xlmr, bert, gemma3, a Hugging Face folder or a
                             GGUF file
          --layers LIST      hidden states to keep, e.g. 0,3,6 (0 = embeddings; default: all)
          --site S           residual (default: the hidden states) or mlp (each listed block's
                             MLP units after the nonlinearity; blocks 1…L)
          --aggregation A    mean, first or last subword (default: mean for an encoder, last for a
                             causal model, the one subword that has seen the whole word)
          --dtype T          float32 (default) or float16
          --ud-root DIR      where the UD treebanks are (default: $UD_ROOT or ../shared/ud)
          --cache DIR        cache root (default: $NEURON_CACHE or ~/.cache/neuron-workbench)
          --export DIR       also write NumPy .npy arrays (one per layer, [words, hidden]),
                             words.tsv and manifest.json there
          --allow-non-finite cache word vectors with NaN or infinite values instead of stopping
                             at the first one (rankings and probes still refuse them)
          --quiet            no progress bar
        """

    static func run(_ arguments: inout ArgumentList) throws {
        let model = try ModelCatalog.locate(try arguments.option("model") ?? DefaultModels.encoder)
        let layers = try arguments.option("layers").flatMap(parseLayers)
        let siteName = try arguments.option("site") ?? "residual"
        guard let site = SiteKind(rawValue: siteName) else { throw UsageError("--site must be residual, mlp or cell, not '\(siteName)'") }
        let aggregation = try arguments.option("aggregation").map { name in
            guard let aggregation = WordAggregation(rawValue: name) else {
                throw UsageError("--aggregation must be mean, first or last, not '\(name)'")
            }
            return aggregation
        }
        let dtypeName = try arguments.option("dtype") ?? "float32"
        guard let dtype = NumpyArrayFile.ScalarType(rawValue: dtypeName) else {
            throw UsageError("--dtype must be float32 or float16, not '\(dtypeName)'")
        }
        let udRoot = try arguments.option("ud-root")
        let cacheRoot = try arguments.option("cache")
        let export = try arguments.option("export")
        let quiet = arguments.flag("quiet")
        let allowNonFinite = arguments.flag("allow-non-finite")
        var files = try arguments.positionals().map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
        if files.isEmpty { files = try defaultTreebank(udRoot: udRoot) }
        // Folders to write are checked before the model runs, not after.
        if let cacheRoot { try OutputFolder.check(cacheRoot, option: "--cache") }
        if let export { try OutputFolder.check(export, option: "--export") }

        let cache = cacheRoot.map { ActivationCache(cacheRoot: URL(fileURLWithPath: $0, isDirectory: true)) } ?? ActivationCache()
        let request = ExtractionRequest(modelFolder: model, corpusFiles: files, layers: layers, site: site,
                                        aggregation: aggregation, dtype: dtype, allowNonFinite: allowNonFinite)
        let store = try cache.activations(for: request, showProgress: !quiet, log: { print($0) })
        let manifest = store.manifest
        print("model      \(manifest.model.name) (\(manifest.model.modelType), \(manifest.model.hiddenStateCount) hidden states × \(manifest.model.hiddenSize))")
        for file in manifest.corpus { print("treebank   \(file.name): \(file.sentenceCount) sentences, \(file.wordCount) words") }
        print("words      \(manifest.rowCount) rows × \(store.width); \((manifest.site ?? .residual).rawValue) layers \(manifest.layers.map(String.init).joined(separator: ",")); \(manifest.aggregation.rawValue) of subwords; \(manifest.dtype.rawValue)")
        if !manifest.skipped.isEmpty { print("skipped    \(manifest.skipped.count) sentence(s) over the model's length limit") }
        print(String(format: "extraction %.1f s, %.0f tokens/s (when built)", manifest.provenance.seconds, manifest.provenance.tokensPerSecond))
        print("cache      \(store.directory.path)")
        if let export {
            let folder = URL(fileURLWithPath: (export as NSString).expandingTildeInPath)
            try store.export(to: folder)
            print("exported   \(folder.path) (layer-NN.npy, words.tsv, manifest.json)")
        }
    }

    static func parseLayers(_ text: String) throws -> [Int]? {
        if text == "all" { return nil }
        var layers: [Int] = []
        for part in text.split(separator: ",") {
            if let dash = part.firstIndex(of: "-"), let low = Int(part[..<dash]), let high = Int(part[part.index(after: dash)...]), low <= high {
                layers += Array(low...high)
            } else if let value = Int(part) {
                layers.append(value)
            } else {
                throw UsageError("--layers expects numbers like 0,3,6 or 1-6, not '\(text)'")
            }
        }
        return Array(Set(layers)).sorted()
    }

    static func defaultTreebank(udRoot: String?) throws -> [URL] {
        let root = udRoot.map { URL(fileURLWithPath: $0) } ?? SharedData().udRoot()
        let folder = root.appendingPathComponent("UD_English-EWT")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw UsageError("\(folder.path): no such folder; give treebank files or --ud-root")
        }
        return names.filter { $0.hasSuffix(".conllu") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
