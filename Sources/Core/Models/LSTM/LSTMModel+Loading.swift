import Foundation
import Kernels

extension LSTMModel {
    /// Loads an LSTM folder (config.json + model.safetensors), checking the sizes against the
    /// safetensors header before allocating, then every weight's presence, shape and finiteness.
    ///
    /// - Throws: ``CheckpointError`` naming the file and the missing, unexpected, misshapen or
    ///   non-finite tensor.
    public static func load(from folderURL: URL) throws -> LSTMModel {
        let folder = try CheckpointFolder(url: folderURL)
        let config = try LSTMConfig.load(checkedAgainst: folder)
        let expected = config.expectedWeights
        let expectedNames = Set(expected.map(\.name))
        let unexpected = folder.tensorNames.subtracting(expectedNames).sorted()
        if !unexpected.isEmpty { throw CheckpointError.unexpectedWeights(folder.url, keys: unexpected) }
        let missing = expected.map(\.name).filter { !folder.tensorNames.contains($0) }
        if !missing.isEmpty { throw CheckpointError.missingWeights(folder.url, keys: missing) }
        // Shapes from the header first: nothing is read until every one is right.
        for (name, shape) in expected where folder.shape(of: name) != shape {
            throw CheckpointError.wrongShape(folder.url, tensor: name, expected: shape, found: folder.shape(of: name) ?? [])
        }
        func weight(_ name: String) throws -> Tensor {
            let tensor = try folder.tensor(name)
            if let index = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError.nonFiniteWeight(folder.weightFiles.count == 1 ? folder.weightFiles[0].url : folder.url,
                                                      tensor: name, index: index, value: tensor.scalars[index])
            }
            return tensor
        }
        var layers: [LSTMLayer] = []
        for index in 0..<config.layerCount {
            var bias = try weight("rnn.bias_ih_l\(index)")
            let recurrentBias = try weight("rnn.bias_hh_l\(index)")
            for k in bias.scalars.indices { bias.scalars[k] += recurrentBias.scalars[k] }
            layers.append(LSTMLayer(inputWeight: try weight("rnn.weight_ih_l\(index)"),
                                    recurrentWeight: try weight("rnn.weight_hh_l\(index)"), bias: bias))
        }
        return LSTMModel(config: config, embedding: try weight("encoder.weight"), layers: layers,
                         decoderWeight: try weight("decoder.weight"), decoderBias: try weight("decoder.bias"))
    }
}
