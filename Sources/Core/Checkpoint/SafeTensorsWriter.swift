import Foundation
import Kernels

/// Writes float32 tensors as a `.safetensors` file (header JSON padded to 8 bytes, then data).
public enum SafeTensorsWriter {
    /// Writes the tensors atomically; names are sorted for a stable file.
    public static func write(_ tensors: [String: Tensor], to url: URL, metadata: [String: String] = ["format": "pt"]) throws {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.count * 4]]
            offset += tensor.count * 4
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        file.reserveCapacity(8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { file.append(contentsOf: $0) }
        file.append(json)
        for name in names { tensors[name]!.scalars.withUnsafeBytes { file.append(contentsOf: $0) } }
        try file.write(to: url, options: .atomic)
    }
}
