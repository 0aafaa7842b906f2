import Foundation
import Kernels
import Models
import Support
import Storage

extension ReadoutHead {
    /// The training material of a head: final hidden states of the words' tokens (special tokens
    /// left out) of the first sentences, up to `maxTokens`, and their input ids.
    static func material(model: any LanguageModel, sentences: [TokenizedSentence], maxTokens: Int) -> (hidden: Tensor, ids: [Int]) {
        var chosen: [TokenizedSentence] = [], count = 0
        for sentence in sentences where count < maxTokens && sentence.ids.count <= model.maxSequenceLength {
            chosen.append(sentence)
            count += sentence.wordSpans.reduce(0) { $0 + $1.count }
        }
        let width = model.hiddenSize
        let groups = stride(from: 0, to: chosen.count, by: 32).map { Array(chosen[$0..<min(chosen.count, $0 + 32)]) }
        let parts = Parallel.map(groups.count) { index -> ([Float], [Int]) in
            let group = groups[index]
            let batch = PackedBatch(sequences: group.map(\.ids))
            let final = model.run(batch)
            var rows: [Int] = [], ids: [Int] = []
            for (position, sentence) in group.enumerated() {
                for span in sentence.wordSpans {
                    for token in span { rows.append(batch.starts[position] + token); ids.append(sentence.ids[token]) }
                }
            }
            return (final.selectingRows(rows).scalars, ids)
        }
        var scalars: [Float] = [], ids: [Int] = []
        for part in parts { scalars += part.0; ids += part.1 }
        let rows = min(ids.count, maxTokens)
        return (Tensor(shape: [rows, width], scalars: Array(scalars[0..<(rows * width)])), Array(ids[0..<rows]))
    }

    /// The head fitted on `train`, from `folder` when a head with the same content key exists,
    /// otherwise fitted now (once among processes: the head's ``EntryLock``) and written atomically
    /// beside the activation cache.
    ///
    /// The key hashes the model's files (`modelHash`), the training token ids and the settings.
    /// - Returns: the head and the file it lives in.
    public static func cached(model: any LanguageModel, modelName: String, modelHash: String, train: [TokenizedSentence],
                              heldOut: [TokenizedSentence], settings: Settings, folder: URL,
                              log: (String) -> Void = { _ in }) throws -> (head: ReadoutHead, url: URL) {
        let material = Self.material(model: model, sentences: train, maxTokens: settings.maxTokens)
        let idsDigest = ContentHash.hex(ContentHash.xxh64(material.ids.map(String.init).joined(separator: ",")))
        let key = ContentHash.combine(["readout-head-v1", modelHash, idsDigest, String(describing: settings)])
        let url = folder.appendingPathComponent("\(modelName)-\(key).safetensors")
        // One process fits a head at a time; one that needs the same head waits and reads it.
        try ActivationCache.makeFolder(folder)
        let lock = try EntryLock.acquire(for: url, waiting: log)
        defer { lock.release() }
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                let file = try SafeTensorsFile(url: url)
                let weight = settings.tied ? model.tokenEmbeddings : try file.tensor("decoder.weight")
                let scores = try file.tensor("accuracy").scalars
                log("reusing readout head \(url.path)")
                return (ReadoutHead(normWeight: try file.tensor("norm.weight").scalars, normBias: try file.tensor("norm.bias").scalars,
                                    decoderWeight: weight, decoderBias: try file.tensor("decoder.bias").scalars, tied: settings.tied,
                                    epsilon: model.normEpsilon, heldOutAccuracy: Double(scores[1]),
                                    trainAccuracy: Double(scores[0])), url)
            } catch {
                log("refitting readout head: \(error)")
            }
        }
        let started = Date()
        let held = Self.material(model: model, sentences: heldOut, maxTokens: settings.evaluationTokens)
        log("fitting a readout head (\(settings.tied ? "tied" : "untied")) on \(material.ids.count) training tokens …")
        let head = fit(hidden: material.hidden, targets: material.ids, embeddings: model.tokenEmbeddings,
                       epsilon: model.normEpsilon, settings: settings, heldOut: (held.hidden, held.ids))
        log(String(format: "readout head: reproduces %.1f%% of training tokens, %.1f%% of %d held-out tokens (%.0f s) — %@",
                   100 * head.trainAccuracy, 100 * head.heldOutAccuracy, held.ids.count, Date().timeIntervalSince(started), ReadoutHead.label))
        var tensors: [String: Tensor] = [
            "norm.weight": Tensor(shape: [head.normWeight.count], scalars: head.normWeight),
            "norm.bias": Tensor(shape: [head.normBias.count], scalars: head.normBias),
            "decoder.bias": Tensor(shape: [head.decoderBias.count], scalars: head.decoderBias),
            "accuracy": Tensor(shape: [2], scalars: [Float(head.trainAccuracy), Float(head.heldOutAccuracy)]),
        ]
        if !settings.tied { tensors["decoder.weight"] = head.decoderWeight }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = folder.appendingPathComponent(url.lastPathComponent + ".partial-\(getpid())")
        try SafeTensorsWriter.write(tensors, to: partial, metadata: ["format": "pt", "note": ReadoutHead.label, "key": key])
        if FileManager.default.fileExists(atPath: url.path) { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: partial, to: url)
        return (head, url)
    }
}
