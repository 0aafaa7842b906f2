import Kernels
/// Tensors of a GGUF file dequantised to Float32.
extension GGUFFile {
    /// The info of tensor `name`.
    ///
    /// - Throws: `GGUFError.missingTensor`.
    public func info(_ name: String) throws -> GGUFTensorInfo {
        guard let info = tensors[name] else { throw GGUFError.missingTensor(url, tensor: name) }
        return info
    }

    /// The whole tensor in Float32, row-major: ggml dims `[ne0, ne1]` give shape `[ne1, ne0]`.
    ///
    /// - Throws: `GGUFError.missingTensor`, `.unsupportedTensorType`.
    public func tensor(_ name: String) throws -> Tensor {
        let info = try dequantizable(name)
        return Tensor(shape: info.shape) { out in
            GGUFDequantizer.dequantize(UnsafeRawBufferPointer(rebasing: bytes[info.byteRange]), type: info.type, into: out)
        }
    }

    /// Chosen rows of the tensor's `[rows, columns]` view (`matrixShape`), dequantised alone:
    /// the few embedding rows a prompt needs out of 262,144.
    ///
    /// - Returns: `[indices.count, columns]`, row `i` being row `indices[i]` of the tensor.
    /// - Throws: `GGUFError.missingTensor`, `.unsupportedTensorType`, `.rowOutOfRange`.
    public func rows(_ indices: [Int], of name: String) throws -> Tensor {
        let info = try dequantizable(name)
        let rows = info.matrixShape[0], columns = info.matrixShape[1]
        if let bad = indices.first(where: { !(0..<rows).contains($0) }) {
            throw GGUFError.rowOutOfRange(url, tensor: name, row: bad, rows: rows)
        }
        let rowBytes = info.rowByteCount
        return Tensor(shape: [indices.count, columns]) { out in
            for (slot, row) in indices.enumerated() {
                let begin = info.byteRange.lowerBound + row * rowBytes
                GGUFDequantizer.dequantize(UnsafeRawBufferPointer(rebasing: bytes[begin..<(begin + rowBytes)]), type: info.type,
                                           into: UnsafeMutableBufferPointer(rebasing: out[(slot * columns)..<((slot + 1) * columns)]))
            }
        }
    }

    private func dequantizable(_ name: String) throws -> GGUFTensorInfo {
        let info = try info(name)
        guard info.type.isDequantizable else { throw GGUFError.unsupportedTensorType(url, tensor: name, type: info.type) }
        return info
    }
}
